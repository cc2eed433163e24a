"""Recounting the hazard statistics from the hazards themselves: reconciliation and rebuilds.

`recount()` computes every non-empty cell with two grouped queries over `Hazard` (months and
local days computed by the database, in the default time zone), then expands each school's sums
to its ancestors — independent of the deltas and the roll-up. `reconcile()` folds what is
pending and compares; `rebuild()` replaces the cells by the recount (after a unit moves).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from safecampus.stats.nodes import unit_ids_by_path
from safecampus.stats.rollup import add_to_rows

from . import rollup
from .models import Hazard, Resolution, Status
from .stats_models import CELL_KEY, COUNTERS, HazardCell, HazardDelta

Cells = dict[tuple, dict[str, int]]
DIMS = ("unit_path", "m", "grade", "category", "source")


def _month(field_name: str) -> object:
    tz = timezone.get_default_timezone()
    return ExtractYear(field_name, tzinfo=tz) * 100 + ExtractMonth(field_name, tzinfo=tz)


def recount() -> Cells:
    """Every non-zero cell, straight from the hazards."""
    closed = Q(status=Status.CLOSED)
    due = closed & Q(deadline__isnull=False) & ~Q(resolution=Resolution.ON_SPOT)
    on_time = due & Q(submitted_on__lte=F("deadline"))
    by_report = (
        Hazard.objects.annotate(
            m=_month("reported_at"),
            submitted_on=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone()),
        )
        .values(*DIMS, "status")
        .annotate(
            hazards=Count("id"),
            on_spot=Count("id", filter=closed & Q(resolution=Resolution.ON_SPOT)),
            due=Count("id", filter=due),
            on_time=Count("id", filter=on_time),
        )
        .order_by()
    )
    by_closure = (
        Hazard.objects.filter(closed, closed_at__isnull=False)
        .annotate(m=_month("closed_at"))
        .values(*DIMS)
        .annotate(closures=Count("id"))
        .order_by()
    )
    rows = list(by_report) + [{**r, "status": Status.CLOSED} for r in by_closure]
    ids = unit_ids_by_path({p for r in rows for p in rollup.ancestor_paths(r["unit_path"])})
    cells: Cells = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for r in rows:
        for path in rollup.ancestor_paths(r["unit_path"]):
            if path in ids:
                cell = cells[(ids[path], int(r["m"]), r["grade"], r["category"], r["source"], r["status"])]
                for f in COUNTERS:
                    cell[f] += int(r.get(f) or 0)
    return {k: v for k, v in cells.items() if any(v.values())}


def stored() -> Cells:
    nonzero = Q()
    for f in COUNTERS:
        nonzero |= ~Q(**{f: 0})
    return {
        tuple(r[k] for k in CELL_KEY): {f: r[f] for f in COUNTERS}
        for r in HazardCell.objects.filter(nonzero).values(*CELL_KEY, *COUNTERS)
    }


@dataclass
class Drift:
    cells_missing: int = 0  # in the recount, not (or not so) in the cells
    cells_extra: int = 0  # in the cells, not in the recount
    samples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.cells_missing or self.cells_extra)

    def as_dict(self) -> dict:
        return {
            "clean": self.clean,
            "cells_missing": self.cells_missing,
            "cells_extra": self.cells_extra,
            "samples": self.samples,
        }


def compare(recounted: Cells, cells: Cells) -> Drift:
    drift = Drift()
    for key, counts in recounted.items():
        if cells.get(key) != counts:
            drift.cells_missing += 1
            if len(drift.samples) < 10:
                drift.samples.append(f"{key}: recount {counts}, cell {cells.get(key)}")
    for key in cells.keys() - recounted.keys():
        drift.cells_extra += 1
        if len(drift.samples) < 10:
            drift.samples.append(f"{key}: cell {cells[key]}, not in the recount")
    return drift


def reconcile() -> Drift:
    """Fold pending deltas, then compare every stored cell with a recount."""
    rollup.apply_pending()
    return compare(recount(), stored())


@transaction.atomic
def rebuild() -> None:
    """Replace every cell by the recount (pending deltas are part of it and are dropped)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(HazardDelta._meta.db_table)} IN EXCLUSIVE MODE"
            )
    HazardDelta.objects.all().delete()
    HazardCell.objects.all().delete()
    add_to_rows(HazardCell, CELL_KEY, COUNTERS, recount())
