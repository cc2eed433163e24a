"""Term plan figures of a unit's subtree for one term, read from the `termplans` roll-up (cells
plus pending deltas, one grouped read for all the units asked) and the count of active schools
under each unit (one grouped query). Definitions: `termplan.counting`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Unit, UnitKind
from safecampus.core.rollups import ratio

from . import templates
from .counting import TERMPLANS
from .stats_models import COUNTERS


@dataclass
class Totals:
    schools: int = 0
    plans: int = 0
    published: int = 0
    items: int = 0
    done: int = 0
    summarised: int = 0

    @property
    def rate(self) -> float | None:
        """Items done ÷ items planned; None when no item is planned."""
        return self.done / self.items if self.items else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "schools": self.schools,
            "with_plan": self.plans,
            "published": self.published,
            "items": self.items,
            "done": self.done,
            "summarised": self.summarised,
            "rate": ratio(self.rate),
        }


def term_key_of(unit: Unit, value: Any = None, *, today: dt.date | None = None) -> int | None:
    """The term asked (`term` as 20261: the autumn term of 2026–2027), or the unit's current term
    from its calendar; None when the calendar has no term ahead."""
    if value not in (None, ""):
        text = str(value)
        if not (text.isdigit() and len(text) == 5 and text[-1] in "12" and 1900 <= int(text[:4]) <= 2999):
            raise Invalid(_("Name a term as a year and 1 (autumn) or 2 (spring), e.g. 20261."), field="term")
        return int(text)
    from .services import term_of

    term = term_of(unit, today=today)
    return templates.term_key(term) if term else None


def school_counts(units: Sequence[Unit]) -> dict[int, int]:
    """{unit id: active schools in its subtree (itself when a school)}."""
    out = {u.pk: 0 for u in units}
    by_length: dict[int, dict[str, int]] = {}
    for u in units:
        by_length.setdefault(len(u.path), {})[u.path] = u.pk
    for length, paths in by_length.items():
        common = min(paths)
        while not all(p.startswith(common) for p in paths):
            common = common[:-1]
        rows = (
            Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True, path__startswith=common)
            .annotate(head=Substr("path", 1, length))
            .filter(head__in=list(paths))
            .values("head")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            out[paths[row["head"]]] = row["n"]
    return out


def read(units: Sequence[Unit], key: int | None) -> dict[int, Totals]:
    """{unit id: Totals} of each unit's subtree in the term (every unit asked is present)."""
    out = {u.pk: Totals() for u in units}
    if not units:
        return out
    for pk, n in school_counts(units).items():
        out[pk].schools = n
    if key is None:
        return out
    found = TERMPLANS.read(
        [(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, where={"term_key": key}
    )
    for (unit_id, *_rest), sums in found.items():
        t = out[unit_id]
        for k in COUNTERS:
            setattr(t, k, getattr(t, k) + int(sums.get(k) or 0))
    return out


def read_one(unit: Unit, key: int | None) -> Totals:
    return read([unit], key)[unit.pk]


def child_units(unit: Unit) -> list[Unit]:
    """The unit's active child units (bureau departments left out): a county's schools."""
    from safecampus.core.ranking import child_units as children

    return children(unit)
