"""The `inspections` roll-up: each unit's check tasks per month — due, done, done on time,
missed, failed items and hazards raised — for the school, its county and every level above.

Definitions (the month is that of the task's `due_at`, Asia/Shanghai):
- a task counts as **due** once it is settled: done (at any time, late ones too) or missed; an
  open task is not due yet, a cancelled one never;
- **done**: settled as done; **on time**: done with `on_time` (submitted by `due_at`);
- **missed**: settled as missed (past due + grace without a submission);
- **failed items** and **hazards raised**: those of the settled task;
- completion rate = done ÷ due and on-time rate = on time ÷ due (None when nothing was due).

So `submit` adds due 1, done 1, on time 1 when on time, failed items n and hazards m; `miss`
adds due 1 and missed 1.

The seam with the task services: after every change of a task's status (or of its counted
fields) the service calls `changed(before, task)` inside its transaction, `before` being
`snapshot(task)` taken before the change (None for a new task). The engine writes the
difference as deltas and folds them after the commit. `facts` is the independent recount
(`safecampus rollups reconcile inspections`, rebuild).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from safecampus.core.months import month_of
from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, InspectionCell, InspectionDelta

SETTLED = ("done", "missed")
SNAPSHOT_FIELDS = ("status", "on_time", "failed_items", "hazards_raised", "due_at")


def snapshot(task: Any) -> dict[str, Any]:
    """What a task counts by, as it is now: take it before changing the task."""
    out = {k: getattr(task, k) for k in SNAPSHOT_FIELDS}
    out.update(unit_id=task.unit_id, unit_path=task.unit_path)
    return out


def contributions(task: Any) -> list[Change]:
    """What one task (a Task or a `snapshot` namespace) counts in its school's cells."""
    if task.status not in SETTLED:
        return []
    done = task.status == "done"
    counts = {
        "due": 1,
        "done": int(done),
        "on_time": int(done and bool(task.on_time)),
        "missed": int(not done),
        "failed_items": int(task.failed_items or 0),
        "hazards_raised": int(task.hazards_raised or 0),
    }
    return [(Node(task.unit_id, task.unit_path), (month_of(task.due_at),), counts)]


def facts(under: str | None) -> list[QuerySet]:
    """Each school's settled tasks by month of due time: the recount from the Task rows."""
    from .task_models import Task

    tasks = Task.objects.filter(status__in=SETTLED)
    if under:
        tasks = tasks.filter(unit_path__startswith=under)
    tz = timezone.get_default_timezone()
    done = Q(status="done")
    zero = Value(0, output_field=IntegerField())
    return [
        tasks.annotate(month=ExtractYear("due_at", tzinfo=tz) * 100 + ExtractMonth("due_at", tzinfo=tz))
        .values("unit_path", "unit_id", "month")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=done),
            on_time=Count("id", filter=done & Q(on_time=True)),
            missed=Count("id", filter=Q(status="missed")),
            failed_items=Coalesce(Sum("failed_items"), zero),
            hazards_raised=Coalesce(Sum("hazards_raised"), zero),
        )
        .order_by()
    ]


INSPECTIONS = register(
    Rollup(
        name="inspections",
        label="check tasks by month: due, done, on time, missed, failed items, hazards raised",
        cell=InspectionCell,
        delta=InspectionDelta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def _state(before: dict[str, Any], task: Any) -> SimpleNamespace:
    values = {"unit_id": task.unit_id, "unit_path": task.unit_path, **before}
    return SimpleNamespace(**values)


def changed(before: dict[str, Any] | None, task: Any) -> int:
    """Record the roll-up deltas of one change of `task` in the caller's transaction: what the
    task counts now minus what `before` (a `snapshot`, None for a new task) counted. Returns
    how many delta rows were written (none when nothing counted changed)."""
    return INSPECTIONS.changed(_state(before, task) if before is not None else None, task)


def changed_many(pairs: Iterable[tuple[dict[str, Any] | None, Any]]) -> int:
    """`changed` for many tasks at once (a bulk move: tasks marked missed, a schedule's tasks
    cancelled, a day's tasks generated): one insert of the summed deltas. `pairs` are
    (before snapshot or None, task after)."""
    changes: list[Change] = []
    for before, task in pairs:
        if before is not None:
            was = contributions(_state(before, task))
            changes += [(n, k, {f: -v for f, v in c.items()}) for n, k, c in was]
        changes += contributions(task)
    return INSPECTIONS.record(changes)
