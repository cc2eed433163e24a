"""1530 figures read from the `talks` roll-up (definitions: `talks.counting`): cells plus pending
deltas, one grouped statement for all the nodes asked (a county's schools, a school's classes).

`read(nodes, paths, month_from, month_to)` → {node key: Totals}; a node is (unit id, grade id or
0, class id or 0). `children_of(unit)`: the nodes one level down — a bureau's child units, a
school's classes (by grade).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.months import month_key
from safecampus.core.ranking import child_units
from safecampus.core.rollups import ratio
from safecampus.roster.models import SchoolClass

from .counting import COUNTERS, TALKS

NodeKey = tuple[int, int, int]


@dataclass
class Totals:
    due: int = 0
    done: int = 0
    on_day: int = 0

    @property
    def rate(self) -> float | None:
        """Done ÷ due; None when nothing was due."""
        return self.done / self.due if self.due else None

    @property
    def missed(self) -> int:
        return max(self.due - self.done, 0)

    def as_dict(self) -> dict[str, Any]:
        return {"due": self.due, "done": self.done, "on_day": self.on_day, "rate": ratio(self.rate)}


def read(
    nodes: Sequence[NodeKey],
    paths: Mapping[int, str],
    month_from: int | None = None,
    month_to: int | None = None,
) -> dict[NodeKey, Totals]:
    out = {n: Totals() for n in nodes}
    if not nodes:
        return out
    found = TALKS.read(list(nodes), paths, ranges={"month": (month_from, month_to)})
    for (u, g, k, *_rest), sums in found.items():
        t = out.get((u, g, k))
        if t is None:
            continue
        for c in COUNTERS:
            setattr(t, c, getattr(t, c) + int(sums.get(c) or 0))
    return out


def read_one(unit: Unit, month_from: int | None = None, month_to: int | None = None, *,
             grade_id: int = 0, class_id: int = 0) -> Totals:  # fmt: skip
    key = (unit.pk, grade_id, class_id)
    return read([key], {unit.pk: unit.path}, month_from, month_to)[key]


@dataclass
class Child:
    unit: Unit
    name: str
    key: NodeKey
    school_class: SchoolClass | None = None


def children_of(unit: Unit, school_year: int | None = None) -> list[Child]:
    """A bureau's child units; a school's classes of the school year (the current one)."""
    if unit.is_bureau:
        return [Child(c, c.name, (c.pk, 0, 0)) for c in child_units(unit)]
    from safecampus.roster.importing import current_school_year

    year = school_year or current_school_year()
    classes = SchoolClass.objects.filter(unit=unit, grade__school_year=year).select_related("grade")
    return [
        Child(unit, str(k), (unit.pk, k.grade_id, k.pk), k)
        for k in classes.order_by("grade__level", "number")
    ]


def window(start: Any, end: Any) -> tuple[int | None, int | None]:
    """Months (YYYYMM) of the `from` and `to` dates (YYYY-MM-DD or YYYY-MM); None: open."""
    out: list[int | None] = []
    for value, field in ((start, "from"), (end, "to")):
        if value in (None, ""):
            out.append(None)
            continue
        text = str(value).strip()
        try:
            day = dt.date.fromisoformat(text if len(text) > 7 else text + "-01")
        except ValueError:
            raise Invalid(_("Enter the date as YYYY-MM-DD."), field=field) from None
        out.append(month_key(day))
    if out[0] and out[1] and out[0] > out[1]:
        raise Invalid(_("The first month must not be after the last."), field="from")
    return out[0], out[1]
