"""Where a learner's facts count, and the integer milliseconds every time counter is kept in."""

from __future__ import annotations

import math
from typing import Any

from safecampus.core.rollups import Node

__all__ = ["Node", "node_of", "to_ms"]


def to_ms(seconds: float) -> int:
    """Credited seconds as whole milliseconds; the same rounding in Python and in SQL
    (`rollup.ms_sql`), so cells and recounts agree to the millisecond."""
    return math.floor(seconds * 1000 + 0.5)


def node_of(learner: Any, audience: str) -> Node:
    unit = learner.units[audience]
    if audience == "student":
        return Node(unit.pk, unit.path, learner.grade_id or 0, learner.class_id or 0)
    return Node(unit.pk, unit.path)
