"""The risk points counted per unit (the `risks` roll-up): how many points of each status, level
and category a unit's subtree holds, for the bureau pages (schools ranked by their reported
points, the reported ledger's total) — read from cells, never a scan of a province's points.

Every service that creates a point or changes its status, level or category records the change in
its own transaction (`changed(before, after)` with `state(point)` taken before the change); the
engine folds the deltas after the commit. `facts` is the independent recount (reconcile, rebuild).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import models
from django.db.models import Count, QuerySet

from safecampus.core.rollups import Change, Node, Rollup, register

KEY = ("status", "level", "category")


class RiskCounters(models.Model):
    status = models.CharField(max_length=10)
    level = models.CharField(max_length=10)
    category = models.CharField(max_length=16)
    points = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RiskDelta(RiskCounters):
    """A change not yet folded into the cells; counts for the school and its ancestors."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "risks"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"risk delta {self.pk}"


class RiskCell(RiskCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "risks"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_risk_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status} {self.level} {self.category}"


def state(point: Any) -> SimpleNamespace:
    """What a point counts by, as it is now (take it before changing the point)."""
    return SimpleNamespace(**{k: getattr(point, k) for k in ("unit_id", "unit_path", *KEY)})


def contributions(point: Any) -> list[Change]:
    return [(Node(point.unit_id, point.unit_path), tuple(getattr(point, k) for k in KEY), {"points": 1})]


def facts(under: str | None) -> list[QuerySet]:
    from .models import RiskPoint

    points = RiskPoint.objects.filter(unit_path__startswith=under) if under else RiskPoint.objects.all()
    return [points.values("unit_path", "unit_id", *KEY).annotate(points=Count("id")).order_by()]


RISKS = register(
    Rollup(
        name="risks",
        label="risk points by status, level and category",
        cell=RiskCell,
        delta=RiskDelta,
        keys=KEY,
        counters=("points",),
        facts=facts,
        contributions=contributions,
    )
)


def changed(before: Any | None, after: Any | None) -> None:
    """Record what `after` counts minus what `before` (a `state`) did, in this transaction."""
    RISKS.changed(before, after)


def read(units: list[Any], *, where: dict[str, Any], group: tuple[str, ...] = ()) -> dict[tuple, int]:
    """{(unit_id, *group values): points} of each unit's subtree (cells + pending deltas)."""
    found = RISKS.read([(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, where=where, group=group)
    return {(unit_id, *rest): sums["points"] for (unit_id, _g, _k, *rest), sums in found.items()}
