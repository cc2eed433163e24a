"""Moving tasks between statuses in bulk through the one transition table (`TASK_TRANSITIONS`):
missing the tasks past their closing time (the five-minute job, and lazily before reads) and
cancelling those of a paused schedule. Each moved task is reported to the statistics hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from safecampus.core import audit
from safecampus.core.models import Unit

from . import counting
from .models import TASK_TRANSITIONS, Task, TaskStatus

CHUNK = 2000


def snapshot(task: Task) -> dict[str, Any]:
    """What the statistics hook compares: the task before a change."""
    return {
        "status": task.status,
        "on_time": task.on_time,
        "failed_items": task.failed_items,
        "hazards_raised": task.hazards_raised,
        "due_at": task.due_at,
    }


VERBS = {"miss": "check.missed", "cancel": "check.cancelled"}


def _trace(action: str, chunk: list[Task]) -> None:
    """One audit event per school and run for the tasks moved by the system (missed at closing
    time, cancelled with a paused schedule), naming each task: 痕迹化 without an event per row."""
    by_school: dict[int, list[Task]] = {}
    for task in chunk:
        by_school.setdefault(task.unit_id, []).append(task)
    schools = Unit.objects.in_bulk(list(by_school))
    for unit_id, tasks in by_school.items():
        after = {
            "tasks": [f"{t.pk} {t.title} {timezone.localtime(t.opens_at):%Y-%m-%d %H:%M}" for t in tasks]
        }
        audit.record(None, VERBS[action], unit=schools[unit_id], after=after)


def move(tasks: QuerySet[Task], action: str, now: dt.datetime | None = None) -> int:
    """Take `action` on every task of `tasks` that is in one of its source statuses, in chunks,
    each row moved by a compare-and-set (a task submitted meanwhile stays done). Returns how
    many moved."""
    sources, target = TASK_TRANSITIONS[action]
    now = now or timezone.now()
    moved = 0
    while True:
        with transaction.atomic():
            chunk = list(
                tasks.filter(status__in=sources)
                .select_for_update(skip_locked=True)
                .order_by("pk")
                .only(
                    "pk",
                    "unit_id",
                    "unit_path",
                    "schedule_id",
                    "status",
                    "on_time",
                    "failed_items",
                    "hazards_raised",
                    "due_at",
                    "day",
                    "opens_at",
                    "closes_at",
                    "title",
                )[:CHUNK]
            )
            if not chunk:
                return moved
            done = Task.objects.filter(pk__in=[t.pk for t in chunk], status__in=sources).update(
                status=target, status_changed_at=now
            )
            pairs = []
            for task in chunk:
                before = snapshot(task)
                task.status, task.status_changed_at = target, now
                pairs.append((before, task))
            counting.changed_many(pairs)
            _trace(action, chunk)
            moved += done
            if len(chunk) < CHUNK:
                return moved


def mark_missed(now: dt.datetime | None = None, *, tasks: QuerySet[Task] | None = None) -> int:
    """Open tasks whose acceptance closed before `now` become missed. Returns how many."""
    now = now or timezone.now()
    qs = Task.objects.all() if tasks is None else tasks
    return move(qs.filter(status=TaskStatus.OPEN, closes_at__lt=now), "miss", now)


def settle(tasks: QuerySet[Task]) -> int:
    """Before a read: the open tasks among `tasks` past their closing time are marked missed."""
    return mark_missed(tasks=tasks)
