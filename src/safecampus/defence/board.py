"""The three-100% board: for a unit, how many of its schools meet each indicator (the roll-up's
cells plus pending deltas, exact at any moment) out of its active schools (one indexed count
over the org tree), with rates 0–1 (None when it has no school); one row per child unit; and
the schools below a unit that fall short, with the indicators they miss."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from safecampus.core.models import Unit, UnitKind
from safecampus.core.rollups import STEP, ratio
from safecampus.core.rollups.rates import percent

from . import rollup
from .models import Three100Fact

INDICATORS = rollup.INDICATORS


@dataclass
class Row:
    unit: Unit
    schools: int
    counts: dict[str, int] = field(default_factory=dict)

    def rate(self, name: str) -> float | None:
        return self.counts.get(name, 0) / self.schools if self.schools else None

    @property
    def rates(self) -> dict[str, float | None]:
        return {k: ratio(self.rate(k)) for k in INDICATORS}

    @property
    def percents(self) -> dict[str, float | None]:
        return {k: percent(self.rate(k)) for k in INDICATORS}

    @property
    def short(self) -> int:
        """Schools not meeting all three."""
        return self.schools - self.counts.get("all_three", 0)

    @property
    def cells(self) -> list[dict[str, Any]]:
        """Each indicator's count and percentage, in board order (for the templates)."""
        pct = self.percents
        return [{"key": k, "count": self.counts.get(k, 0), "percent": pct[k]} for k in INDICATORS]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "name": self.unit.name,
            "schools": self.schools,
            **{k: self.counts.get(k, 0) for k in INDICATORS},
            "rates": self.rates,
        }


def _schools(under: Unit) -> QuerySet:
    return Unit.objects.filter(path__startswith=under.path, kind=UnitKind.SCHOOL, is_active=True)


def school_counts(area: Unit, units: list[Unit]) -> dict[int, int]:
    """{unit id: active schools in its subtree} for `units` (the area or its children)."""
    if units == [area]:
        return {area.pk: _schools(area).count()}
    width = len(area.path) + STEP
    by_child = dict(
        _schools(area)
        .annotate(child=Substr("path", 1, width))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("child", "n")
    )
    return {u.pk: (by_child.get(u.path, 0) if len(u.path) == width else _schools(u).count()) for u in units}


def rows(area: Unit, units: list[Unit]) -> list[Row]:
    counts = rollup.read(units)
    schools = school_counts(area, units)
    return [
        Row(u, schools.get(u.pk, 0), {k: counts.get(u.pk, {}).get(k, 0) for k in INDICATORS}) for u in units
    ]


def row(unit: Unit) -> Row:
    return rows(unit, [unit])[0]


def children(area: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(path__startswith=area.path, depth=area.depth + 1, is_active=True)
        .exclude(kind=UnitKind.DEPARTMENT)
        .order_by("path")
    )


def short_q() -> Q:
    """Fact rows of schools not meeting all three."""
    return Q(all_three=False)


def falling_short(area: Unit, indicator: str | None = None) -> QuerySet:
    """The active schools below `area` that fall short (of `indicator`, else of any), by path; a
    school without a fact row meets nothing. Each row is a Unit annotated with its indicators."""
    met = Three100Fact.objects.filter(unit_path__startswith=area.path)
    met = met.filter(**{indicator: True}) if indicator else met.filter(all_three=True)
    return _schools(area).exclude(pk__in=met.values("unit_id")).order_by("path")


def indicators_of(schools: list[Unit]) -> dict[int, dict[str, bool]]:
    """{school id: indicators} (all False for a school without a fact row)."""
    found = {
        f.unit_id: {k: getattr(f, k) for k in INDICATORS}
        for f in Three100Fact.objects.filter(unit_id__in=[s.pk for s in schools])
    }
    return {s.pk: found.get(s.pk, dict.fromkeys(INDICATORS, False)) for s in schools}


def recount(unit: Unit) -> dict[str, Any]:
    """The board of `unit` counted from the fact rows alone (tests and the bench)."""
    facts = Three100Fact.objects.filter(unit_path__startswith=unit.path)
    found = facts.aggregate(**{k: Count("id", filter=Q(**{k: True})) for k in INDICATORS})
    return Row(unit, _schools(unit).count(), {k: found[k] or 0 for k in INDICATORS}).as_dict()
