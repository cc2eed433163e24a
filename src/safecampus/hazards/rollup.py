"""The hazard statistics, declared with the core roll-up engine (the worked example of
docs/rollups.md).

A cell counts the hazards of a unit's subtree (the school and every ancestor) by report month,
grade, category, source and current status (`stats_models`); `counting.contributions` says what
one hazard counts, so every change of a hazard becomes deltas in its own transaction. `facts` is
the independent recount behind reconcile and rebuild: two grouped queries over the hazards
(months and local days computed by the database, in the default time zone).
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from safecampus.core.rollups import Rollup, register

from .counting import contributions
from .models import Hazard, Resolution, Status
from .stats_models import COUNTERS, KEY, TOTAL_KEY, HazardCell, HazardDelta, HazardTotalCell, HazardTotalDelta

GROUP = ("unit_path", "unit_id", "month", "grade", "category", "source", "status")
TOTAL_GROUP = ("unit_path", "unit_id", *TOTAL_KEY)


def _month(field_name: str) -> object:
    tz = timezone.get_default_timezone()
    return ExtractYear(field_name, tzinfo=tz) * 100 + ExtractMonth(field_name, tzinfo=tz)


def facts(under: str | None, group: tuple[str, ...] = GROUP) -> list[QuerySet]:
    """Each school's hazards by report month, grade, category, source and status (or the
    columns of `group`), and their closures by the month of closure (counted in the closed rows)."""
    hazards = Hazard.objects.filter(unit_path__startswith=under) if under else Hazard.objects.all()
    closed = Q(status=Status.CLOSED)
    due = closed & Q(deadline__isnull=False) & ~Q(resolution=Resolution.ON_SPOT)
    zero = Value(0, output_field=IntegerField())
    by_report = (
        hazards.annotate(
            month=_month("reported_at"),
            submitted_on=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone()),
        )
        .values(*group)
        .annotate(
            hazards=Count("id"),
            on_spot=Count("id", filter=closed & Q(resolution=Resolution.ON_SPOT)),
            due=Count("id", filter=due),
            on_time=Count("id", filter=due & Q(submitted_on__lte=F("deadline"))),
            closures=zero,
        )
        .order_by()
    )
    by_closure = (
        hazards.filter(closed, closed_at__isnull=False)
        .annotate(month=_month("closed_at"))
        .values(*group)
        .annotate(hazards=zero, on_spot=zero, due=zero, on_time=zero, closures=Count("id"))
        .order_by()
    )
    return [by_report, by_closure]


HAZARDS = register(
    Rollup(
        name="hazards",
        label="hazard statistics",
        cell=HazardCell,
        delta=HazardDelta,
        keys=tuple(KEY),
        counters=tuple(COUNTERS),
        facts=facts,
        contributions=contributions,
    )
)


def total_contributions(h: object) -> list:
    """A hazard's contribution to the coarse cells: its fine contribution without category and
    source."""
    drop = (KEY.index("category"), KEY.index("source"))
    return [(node, tuple(v for i, v in enumerate(key) if i not in drop), counts)
            for node, key, counts in contributions(h)]  # fmt: skip


HAZARD_TOTALS = register(
    Rollup(
        name="hazard_totals",
        label="hazard totals by month, grade and status",
        cell=HazardTotalCell,
        delta=HazardTotalDelta,
        keys=tuple(TOTAL_KEY),
        counters=tuple(COUNTERS),
        facts=lambda under: facts(under, TOTAL_GROUP),
        contributions=total_contributions,
    )
)


def changed(before: object | None, after: object | None) -> None:
    """Record a hazard's change in both roll-ups (same transaction)."""
    HAZARDS.changed(before, after)
    HAZARD_TOTALS.changed(before, after)


def apply_pending(batch: int = 5000) -> int:
    """Fold every pending delta into the cells; returns how many were folded."""
    return HAZARDS.fold(batch) + HAZARD_TOTALS.fold(batch)
