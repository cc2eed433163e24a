"""Check tasks written directly with the models, reported to the statistics the way the task
services do (`counting.changed(None, task)` on creation, `changed(snapshot, task)` on each
status change), and the naive count the figures must equal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safecampus.checks import counting
from safecampus.checks.models import ChecklistTemplate, Schedule, Task, TaskStatus
from safecampus.core.models import Unit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def schedule_at(school: Unit, *, post_role: str = "", remind_minutes: int = 15, people: Any = ()) -> Schedule:
    template = ChecklistTemplate.objects.filter(code="canteen_daily", unit__depth=1).first()
    s = Schedule(template=template, title="食堂每日检查", rule={"kind": "daily", "times": ["11:00"]},
                 post_role=post_role, remind_minutes=remind_minutes)  # fmt: skip
    s.set_unit(school)
    s.save()
    if people:
        s.assignees.set(people)
    return s


def create(schedule: Schedule, school: Unit, opens_at: dt.datetime, minutes: int = 60) -> Task:
    t = Task(schedule=schedule, version=schedule.template.current_version, title=schedule.title,
             day=timezone.localtime(opens_at).date(), opens_at=opens_at,
             due_at=opens_at + dt.timedelta(minutes=minutes),
             closes_at=opens_at + dt.timedelta(minutes=minutes + 30))  # fmt: skip
    t.set_unit(school)
    t.save()
    counting.changed(None, t)
    return t


def submit(t: Task, *, on_time: bool = True, failed: int = 0, hazards: int = 0) -> Task:
    before = counting.snapshot(t)
    t.status, t.on_time, t.failed_items, t.hazards_raised = TaskStatus.DONE, on_time, failed, hazards
    t.done_at = t.due_at - dt.timedelta(minutes=5) if on_time else t.due_at + dt.timedelta(minutes=10)
    t.save()
    counting.changed(before, t)
    return t


def settle(t: Task, status: str) -> Task:
    before = counting.snapshot(t)
    t.status = status
    t.save()
    counting.changed(before, t)
    return t


def month_of(moment: dt.datetime) -> int:
    local = moment.astimezone(SHANGHAI)
    return local.year * 100 + local.month


def naive(unit: Unit, start: int | None = None, end: int | None = None) -> dict[str, Any]:
    """The figures of `unit`'s subtree counted row by row from the tasks."""
    out = dict.fromkeys(("due", "done", "on_time", "missed", "failed_items", "hazards_raised"), 0)
    for t in Task.objects.filter(unit_path__startswith=unit.path):
        m = month_of(t.due_at)
        if t.status not in ("done", "missed") or (start and m < start) or (end and m > end):
            continue
        out["due"] += 1
        out["done"] += t.status == "done"
        out["on_time"] += t.status == "done" and bool(t.on_time)
        out["missed"] += t.status == "missed"
        out["failed_items"] += t.failed_items
        out["hazards_raised"] += t.hazards_raised
    out["completion_rate"] = round(out["done"] / out["due"], 6) if out["due"] else None
    out["on_time_rate"] = round(out["on_time"] / out["due"], 6) if out["due"] else None
    return out
