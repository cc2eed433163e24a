"""Reminders before due: the post holders (or the people named) of tasks whose reminder time has
come get one inbox message; a second run sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.checks.models import Task, TaskStatus
from safecampus.checks.reminders import check_task_reminders, remind_due
from safecampus.core.roles import Role
from safecampus.inbox.models import Notification

from .stats_helpers import create, schedule_at, settle

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2031, 11, 20, 4, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_reminders_are_sent_once(school, guard, head_teacher):
    gate = schedule_at(school, post_role=Role.GUARD, remind_minutes=20)
    named = schedule_at(school, post_role=Role.GUARD, people=[head_teacher], remind_minutes=30)
    soon = create(gate, school, NOW - dt.timedelta(minutes=45))  # due in 15 min: remind (20)
    later = create(gate, school, NOW - dt.timedelta(minutes=30))  # due in 30 min: not yet
    past = create(gate, school, NOW - dt.timedelta(minutes=70))  # due 10 min ago: too late
    done = settle(create(gate, school, NOW - dt.timedelta(minutes=50)), TaskStatus.CANCELLED)
    mine = create(named, school, NOW - dt.timedelta(minutes=35))  # due in 25 min: remind (30)

    assert remind_due() == 2
    sent = Notification.objects.filter(dedupe_key__startswith="check-task:")
    got = {(n.user_id, n.dedupe_key) for n in sent}
    assert got == {
        (guard.pk, f"check-task:{soon.pk}:remind"),
        (head_teacher.pk, f"check-task:{mine.pk}:remind"),
    }
    reminded = set(Task.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {soon.pk, mine.pk} and not {later.pk, past.pk, done.pk} & reminded
    assert remind_due() == 0
    assert check_task_reminders.call_local() == 0

    with time_machine.travel(NOW + dt.timedelta(minutes=12), tick=False):
        assert remind_due() == 1  # `later` is due in 18 minutes now
    assert Notification.objects.filter(dedupe_key=f"check-task:{later.pk}:remind", user=guard).exists()


@time_machine.travel(NOW, tick=False)
def test_no_recipients_still_settles_the_reminder(school):
    nobody = schedule_at(school, post_role=Role.COUNSELLOR)
    nobody_task = create(nobody, school, NOW - dt.timedelta(minutes=50))
    # demo_counsellor holds the post at demo-c1-k1-s1; with the post left empty there is no one.
    nobody.post_role = ""
    nobody.save()
    assert remind_due() == 0
    assert Task.objects.get(pk=nobody_task.pk).reminded_at is not None
