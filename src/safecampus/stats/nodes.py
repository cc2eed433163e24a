"""Nodes of the statistics tree and the integer milliseconds every counter is kept in."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from safecampus.core.models import Unit

STEP = Unit.steplen


def to_ms(seconds: float) -> int:
    """Credited seconds as whole milliseconds; the same rounding in Python and in SQL
    (`recount.ms_sql`), so cells and recounts agree to the millisecond."""
    return math.floor(seconds * 1000 + 0.5)


@dataclass(frozen=True)
class Node:
    """Where a fact counts: a unit and, for students, their grade and class."""

    unit_id: int
    unit_path: str
    grade_id: int = 0
    class_id: int = 0

    def ancestor_paths(self) -> list[str]:
        """The unit's path and every ancestor's (prefixes of the materialized path)."""
        return [self.unit_path[:i] for i in range(STEP, len(self.unit_path) + 1, STEP)]


def node_of(learner: Any, audience: str) -> Node:
    unit = learner.units[audience]
    if audience == "student":
        return Node(unit.pk, unit.path, learner.grade_id or 0, learner.class_id or 0)
    return Node(unit.pk, unit.path)


def unit_ids_by_path(paths: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    items = sorted(paths)
    for start in range(0, len(items), 500):
        out.update(Unit.objects.filter(path__in=items[start : start + 500]).values_list("path", "id"))
    return out
