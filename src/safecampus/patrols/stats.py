"""The `patrol_rounds` roll-up: each unit's rounds per month (of the window's start) — how many,
and how many complete, incomplete and missed — for the school, its county and every level above.

`contributions(state)` is what one round counts now; `rounds.create` and `rounds.recompute`
record the difference in the change's own transaction. `facts` is the independent recount.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from safecampus.core.months import month_of
from safecampus.core.rollups import Change, Node, Rollup, register

KEY = ("month",)
COUNTERS = ("rounds", "complete", "incomplete", "missed")


class PatrolCounters(models.Model):
    month = models.IntegerField()  # YYYYMM of the window's start (local time)
    rounds = models.IntegerField(default=0)
    complete = models.IntegerField(default=0)
    incomplete = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class PatrolDelta(PatrolCounters):
    """A change not yet folded into the cells."""

    unit_id = models.IntegerField()
    unit_path = models.CharField(max_length=255)

    class Meta:
        app_label = "patrols"
        indexes = [models.Index(fields=["unit_path"])]

    def __str__(self) -> str:
        return f"patrol delta {self.pk}"


class PatrolCell(PatrolCounters):
    unit_id = models.IntegerField()

    class Meta:
        app_label = "patrols"
        constraints = [models.UniqueConstraint(fields=["unit_id", *KEY], name="uniq_patrol_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"


def state(rnd: Any) -> SimpleNamespace:
    """What a round counts by, as it is now (take it before changing the round)."""
    return SimpleNamespace(unit_id=rnd.unit_id, unit_path=rnd.unit_path, window_start=rnd.window_start,
                           status=rnd.status)  # fmt: skip


def contributions(rnd: Any) -> list[Change]:
    counts = {"rounds": 1}
    if rnd.status in ("complete", "incomplete", "missed"):
        counts[rnd.status] = 1
    return [(Node(rnd.unit_id, rnd.unit_path), (month_of(rnd.window_start),), counts)]


def facts(under: str | None) -> list[QuerySet]:
    from .models import PatrolRound

    rounds = PatrolRound.objects.filter(unit_path__startswith=under) if under else PatrolRound.objects.all()
    tz = timezone.get_default_timezone()
    return [
        rounds.annotate(
            month=ExtractYear("window_start", tzinfo=tz) * 100 + ExtractMonth("window_start", tzinfo=tz)
        )
        .values("unit_path", "unit_id", "month")
        .annotate(
            rounds=Count("id"),
            complete=Count("id", filter=Q(status="complete")),
            incomplete=Count("id", filter=Q(status="incomplete")),
            missed=Count("id", filter=Q(status="missed")),
        )
        .order_by()
    ]


PATROL_ROUNDS = register(
    Rollup(
        name="patrol_rounds",
        label="patrol rounds by month: complete, incomplete, missed",
        cell=PatrolCell,
        delta=PatrolDelta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def read(units: list[Any], month_from: int | None = None, month_to: int | None = None) -> dict[int, dict]:
    """{unit id: {counter: sum}} of each unit's subtree within the months (cells + pending)."""
    found = PATROL_ROUNDS.read(
        [(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, ranges={"month": (month_from, month_to)}
    )
    out = {u.pk: dict.fromkeys(COUNTERS, 0) for u in units}
    for (unit_id, *_rest), sums in found.items():
        for k in COUNTERS:
            out[unit_id][k] += int(sums.get(k) or 0)
    return out
