"""Generating tasks from schedules against the school calendar: idempotent, holidays skipped,
make-up Sundays worked, several slots a day, area checks expanded to every school of the area
only; schedules refused when they never fire; missing with a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from safecampus.checks import schedules
from safecampus.checks.generate import generate
from safecampus.checks.models import Schedule, Task, TaskStatus
from safecampus.checks.taskstate import mark_missed
from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, Unit
from safecampus.schoolcal.calendar import SCHOOL_TZ

from .tasking import make, tasks_on

SCHOOL_DAY = dt.date(2026, 12, 8)  # a Tuesday in the autumn term
HOLIDAY = dt.date(2027, 1, 1)  # New Year, a Friday
MAKEUP_SUNDAY = dt.date(2027, 4, 25)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_daily_slots_on_a_school_day_and_idempotent(school, principal):
    s = make(
        school,
        principal,
        rule={"kind": "daily", "slots": ["arrival", "lunch"], "times": ["20:00"]},
        duration_minutes=30,
        grace_minutes=15,
    )
    found = tasks_on(school, SCHOOL_DAY)
    assert [t.opens_at.astimezone(SCHOOL_TZ).time() for t in found] == [
        dt.time(7, 20),
        dt.time(11, 50),
        dt.time(20, 0),
    ]  # demo-c1-k1-s1 arrives at 07:20
    t = found[0]
    assert t.schedule == s and t.version_id == s.template.current_version_id and t.status == TaskStatus.OPEN
    assert t.due_at - t.opens_at == dt.timedelta(minutes=30)
    assert t.closes_at - t.due_at == dt.timedelta(minutes=15)
    assert generate(SCHOOL_DAY, root=school) == 0
    assert Task.objects.filter(unit=school, day=SCHOOL_DAY).count() == 3


def test_holiday_no_task_makeup_sunday_task(school, principal):
    make(school, principal)
    assert tasks_on(school, HOLIDAY) == []
    assert len(tasks_on(school, MAKEUP_SUNDAY)) == 1
    assert tasks_on(school, dt.date(2026, 9, 13)) == []  # an ordinary Sunday


def test_area_check_expands_to_the_area_only(county, county_unit, sibling_school):
    s = make(
        county_unit,
        county,
        code="flood_season",
        rule={"kind": "dates", "dates": ["2026-12-09"], "times": ["09:00"]},
        post_role="safety_staff",
    )
    assert s.for_area and s.unit == county_unit
    cache.clear()
    made = generate(dt.date(2026, 12, 9))
    schools = set(
        Unit.objects.filter(path__startswith=county_unit.path, kind="school").values_list("pk", flat=True)
    )
    got = set(Task.objects.filter(schedule=s).values_list("unit_id", flat=True))
    assert got == schools and made >= len(schools)
    assert sibling_school.pk not in got
    assert generate(dt.date(2026, 12, 9)) == 0


def test_a_schedule_that_never_fires_is_refused(school, principal):
    before = Schedule.objects.count()
    with pytest.raises(Invalid) as e:
        make(school, principal, rule={"kind": "dates", "dates": ["2020-01-01"], "times": ["08:00"]})
    assert e.value.field == "rule"
    with pytest.raises(Invalid) as e:
        make(school, principal, rule={"kind": "daily", "slots": ["no_such_slot"]})
    assert e.value.field == "rule.slots"
    with pytest.raises(Invalid) as e:
        make(school, principal, post_role="")
    assert e.value.field == "post_role"
    assert Schedule.objects.count() == before


def test_template_of_another_school_refused(school, sibling_school, principal, outsider_principal):
    from safecampus.checks.models import ChecklistTemplate

    own = ChecklistTemplate.objects.get(unit=school, copied_from__code="canteen_daily")
    with pytest.raises(Invalid) as e:
        schedules.create_schedule(
            sibling_school,
            actor=outsider_principal,
            data={"template": own.pk, "rule": {"kind": "daily", "times": ["08:00"]}, "post_role": "guard"},
        )
    assert e.value.field == "template"


def test_pause_cancels_future_tasks_and_is_audited(school, principal):
    s = make(school, principal)
    with time_machine.travel(dt.datetime(2026, 12, 8, 6, 0, tzinfo=SCHOOL_TZ)):
        tasks_on(school, SCHOOL_DAY)
        schedules.set_status(s, actor=principal, action="pause")
    assert Task.objects.get(schedule=s).status == TaskStatus.CANCELLED
    assert AuditEvent.objects.filter(verb="check_schedule.paused").exists()
    assert tasks_on(school, dt.date(2026, 12, 9)) == []
    schedules.set_status(s, actor=principal, action="resume")
    assert len(tasks_on(school, dt.date(2026, 12, 9))) == 1


def test_missed_with_a_frozen_clock(school, principal):
    make(school, principal, duration_minutes=30, grace_minutes=30)
    (task,) = tasks_on(school, SCHOOL_DAY)
    with time_machine.travel(dt.datetime(2026, 12, 8, 8, 10, tzinfo=SCHOOL_TZ)):  # within grace
        assert mark_missed() == 0
    with time_machine.travel(dt.datetime(2026, 12, 8, 8, 21, tzinfo=SCHOOL_TZ)):
        assert mark_missed() == 1
        assert mark_missed() == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.MISSED
    # the system's move leaves a trace at the school naming the task (one event per school and run)
    from safecampus.core.models import AuditEvent

    (event,) = AuditEvent.objects.filter(verb="check.missed", unit_path=school.path)
    assert event.actor_id is None and str(task.pk) in str(event.after)
