"""The `talks` roll-up: 1530 talks due, done and done on the day per node (a unit and every
ancestor; a grade and a class at its school) and month (YYYYMM of the talk's date).

Definitions:
- **due**: a `TalkDue` row — a class-day the settlement (`talks.settle`, every evening) found a
  talk due for, or that a talk was recorded for before the day was settled;
- **done**: a recorded `Talk`; **on_day**: recorded on the talk's own date;
- rate = done ÷ due (None when nothing was due); a due talk without a record is missed once
  its day is over.

The seam with the services: `due_inserted(rows)` and `recorded(talk)` write the changes in the
caller's transaction; `facts` is the independent recount (`safecampus rollups reconcile talks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from safecampus.core.rollups import Change, Node, Rollup, register

from .models import Talk, TalkCell, TalkDelta, TalkDue

KEY = ("month",)
COUNTERS = ("due", "done", "on_day")


def _t(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def contributions(talk: Any) -> list[Change]:
    """What one recorded talk counts: done 1, on the day 1 when recorded that day."""
    node = Node(talk.unit_id, talk.unit_path, talk.grade_id or 0, talk.school_class_id)
    return [(node, (talk.month,), {"done": 1, "on_day": int(bool(talk.on_day))})]


def due_changes(rows: Iterable[tuple[int, str, int, int, int]]) -> list[Change]:
    """Changes of newly due class-days: rows of (unit_id, unit_path, grade_id, class_id, month)."""
    return [(Node(u, p, g or 0, k), (m,), {"due": 1}) for u, p, g, k, m in rows]


def facts(under: str | None) -> list[tuple[str, list[str]]]:
    """Due class-days from `TalkDue`, done and on-the-day from `Talk`: the recount."""
    like = [(under or "") + "%"]
    due = (
        "SELECT unit_path, unit_id, grade_id, class_id, month, 1 AS due, 0 AS done, 0 AS on_day"
        f" FROM {_t(TalkDue)} WHERE unit_path LIKE %s"
    )
    done = (
        "SELECT unit_path, unit_id, grade_id, school_class_id AS class_id, month, 0 AS due, 1 AS done,"
        f" CASE WHEN on_day THEN 1 ELSE 0 END AS on_day FROM {_t(Talk)} WHERE unit_path LIKE %s"
    )
    return [(due, like), (done, like)]


TALKS = register(
    Rollup(
        name="talks",
        label="1530 safety talks by month: due, done, done on the day",
        cell=TalkCell,
        delta=TalkDelta,
        classes=True,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def recorded(talk: Talk) -> int:
    """Record a new talk's figures (done, on the day) in the caller's transaction."""
    return TALKS.changed(None, talk)


def due_inserted(rows: Iterable[tuple[int, str, int, int, int]]) -> int:
    """Record newly due class-days as deltas (a few: a talk recorded before the settlement)."""
    return TALKS.record(due_changes(rows))


def due_added_now(rows: Iterable[tuple[int, str, int, int, int]]) -> int:
    """Add newly due class-days straight into the cells in the caller's transaction (the
    settlement's bulk: one fan-out and upsert, no backlog of deltas to fold)."""
    from safecampus.core.rollups.fold import add_now

    return add_now(TALKS, due_changes(rows))
