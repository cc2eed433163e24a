"""Reminders before a check is due (issue 16, item 6): every five minutes, the people who do an
open task whose reminder time has come (`due_at - schedule.remind_minutes <= now < due_at`) and
who were not reminded yet get an inbox message; the task's `reminded_at` is then set, so a
second run sends nothing (the message's dedupe key guards against a concurrent run too).

Who is reminded: the people named on the schedule, else the active members of the school
holding the schedule's post (`post_role`). Queries are bounded: open tasks due within the
longest reminder lead of any schedule (index `status, due_at`), a chunk at a time, with one
query for the named people and one for the post holders of the chunk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safecampus.core.models import Membership
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify

from .task_models import Schedule, ScheduleStatus, Task, TaskStatus

CHUNK = 500


def _link(task: Task) -> str:
    for name, args in (("checks:task", [task.pk]), ("checks:tasks", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _recipients(tasks: list[Task]) -> dict[int, set[int]]:
    """{task id: user ids}: the schedule's named people, else the post holders at the school."""
    named: dict[int, set[int]] = defaultdict(set)
    through = Schedule.assignees.through.objects.filter(
        schedule_id__in={t.schedule_id for t in tasks}, user__is_active=True
    )
    for schedule_id, user_id in through.values_list("schedule_id", "user_id"):
        named[schedule_id].add(user_id)
    unnamed = [t for t in tasks if not named.get(t.schedule_id) and t.schedule.post_role]
    posts = {(t.unit_id, t.schedule.post_role) for t in unnamed}
    holders: dict[tuple[int, str], set[int]] = defaultdict(set)
    if posts:
        rows = Membership.objects.filter(
            unit_id__in={u for u, _r in posts},
            role__in={r for _u, r in posts},
            is_active=True,
            user__is_active=True,
        ).values_list("unit_id", "role", "user_id")
        for unit_id, role, user_id in rows:
            holders[(unit_id, role)].add(user_id)
    return {
        t.pk: named.get(t.schedule_id) or holders.get((t.unit_id, t.schedule.post_role), set()) for t in tasks
    }


def _send(task: Task, users: set[int]) -> int:
    due = timezone.localtime(task.due_at)
    return notify(
        users,
        kind=NotificationKind.MESSAGE,
        title=gettext_noop("Check due soon: %(title)s"),
        body=gettext_noop("%(title)s at %(school)s is due at %(due)s."),
        params={"title": task.title, "school": task.unit.name, "due": due.strftime("%Y-%m-%d %H:%M")},
        link=_link(task),
        dedupe_key=f"check-task:{task.pk}:remind",
        unit=task.unit,
    )


def remind_due(now: dt.datetime | None = None) -> int:
    """Send the reminders whose time has come; returns how many messages were created."""
    now = now or timezone.now()
    lead = Schedule.objects.filter(status=ScheduleStatus.ACTIVE).aggregate(m=Max("remind_minutes"))["m"]
    if not lead:
        return 0
    candidates = Task.objects.filter(
        status=TaskStatus.OPEN, reminded_at__isnull=True, due_at__gt=now,
        due_at__lte=now + dt.timedelta(minutes=lead),
    )  # fmt: skip
    sent, after = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(
                candidates.filter(pk__gt=after)
                .select_related("schedule", "unit")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:CHUNK]
            )
            if not chunk:
                return sent
            after = chunk[-1].pk
            due = [t for t in chunk if t.due_at - dt.timedelta(minutes=t.schedule.remind_minutes) <= now]
            if due:
                recipients = _recipients(due)
                for task in due:
                    sent += _send(task, recipients[task.pk])
                claimed = Task.objects.filter(pk__in=[t.pk for t in due], reminded_at__isnull=True)
                claimed.update(reminded_at=now)
        if len(chunk) < CHUNK:
            return sent


@db_periodic_task(crontab(minute="*/5"))
def check_task_reminders() -> int:
    """Every five minutes: remind the people of the checks due soon."""
    return remind_due()
