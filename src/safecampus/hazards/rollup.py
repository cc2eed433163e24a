"""Folding pending hazard deltas into the cells, exactly once (the pattern of `stats.rollup`).

A batch of `HazardDelta` rows is locked (SKIP LOCKED on PostgreSQL, so several workers share
the work), fanned out to the school and every ancestor unit (prefixes of the stored path),
added to `HazardCell` with the statistics' upsert and deleted, in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from safecampus.stats.nodes import Node, unit_ids_by_path
from safecampus.stats.rollup import add_to_rows

from .stats_models import CELL_KEY, COUNTERS, KEY, HazardCell, HazardDelta

CellKey = tuple  # values of CELL_KEY, in order


def ancestor_paths(unit_path: str) -> list[str]:
    return Node(0, unit_path).ancestor_paths()


def fan_out(deltas: Iterable[Any], unit_ids: dict[str, int]) -> dict[CellKey, dict[str, int]]:
    """Cells each delta counts in: its school and every ancestor unit."""
    cells: dict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for d in deltas:
        key = tuple(getattr(d, k) for k in KEY)
        for path in ancestor_paths(d.unit_path):
            if path in unit_ids:
                cell = cells[(unit_ids[path], *key)]
                for f in COUNTERS:
                    cell[f] += getattr(d, f)
    return cells


def paths_of(deltas: Iterable[Any]) -> set[str]:
    return {p for d in deltas for p in ancestor_paths(d.unit_path)}


def apply_pending(batch: int = 5000) -> int:
    """Fold every pending delta into the cells; returns how many were applied."""
    applied = 0
    while True:
        with transaction.atomic():
            qs = HazardDelta.objects.order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            deltas = list(qs[:batch])
            if not deltas:
                return applied
            add_to_rows(HazardCell, CELL_KEY, COUNTERS, fan_out(deltas, unit_ids_by_path(paths_of(deltas))))
            HazardDelta.objects.filter(pk__in=[d.pk for d in deltas]).delete()
        applied += len(deltas)
