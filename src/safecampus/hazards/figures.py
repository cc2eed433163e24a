"""Reading the hazard statistics: cells plus the deltas still pending (exact at any moment),
and the overdue count, which depends on today, from one indexed query of the hazards.

Definitions (shown on the page and in docs/api.md):
- reported: hazards reported in the months of the window; valid = reported − rejected (a hazard
  not yet reviewed counts as valid); closed, on the spot, open: of those, by current status;
- rectification rate = closed ÷ valid; on-time rate = closed on time ÷ closed with a deadline
  (on-the-spot fixes have no deadline and are left out); on time = the verified rectification
  was submitted on or before the deadline day;
- overdue: being rectified (assigned or rectifying) with the deadline before today;
- closures (trend): hazards closed in each month, whenever they were reported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from safecampus.core import months
from safecampus.core.rollups import STEP, ratio

from .models import OPEN_STATUSES, RUNNING_STATUSES, Grade, Hazard, Status
from .rollup import HAZARD_TOTALS, HAZARDS

OPEN = {s.value for s in OPEN_STATUSES}


@dataclass(frozen=True)
class Window:
    """Which hazards: reported from month `start` to `end` (YYYYMM, inclusive), of a grade,
    category and source (None: all)."""

    start: int | None = None
    end: int | None = None
    grade: str | None = None
    category: str | None = None
    source: str | None = None

    def cells(self) -> dict[str, Any]:
        """The window as bounds of the cells' keys (for the engine's `read`)."""
        where = {name: getattr(self, name) for name in ("grade", "category", "source") if getattr(self, name)}
        ranges = {"month": (self.start, self.end)} if self.start or self.end else {}
        return {"where": where, "ranges": ranges}

    def hazard_q(self) -> Q:
        tz = timezone.get_default_timezone()
        q = Q()
        if self.start:
            q &= Q(reported_at__gte=dt.datetime(self.start // 100, self.start % 100, 1, tzinfo=tz))
        if self.end:
            y, m = divmod(self.end, 100)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            q &= Q(reported_at__lt=dt.datetime(y, m, 1, tzinfo=tz))
        for name in ("grade", "category", "source"):
            if getattr(self, name):
                q &= Q(**{name: getattr(self, name)})
        return q


@dataclass
class Summary:
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Status.values, 0))
    on_spot: int = 0
    due: int = 0
    on_time: int = 0
    closures: int = 0
    overdue: int | None = None

    def add(self, status: str, counts: dict[str, int]) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + counts["hazards"]
        self.on_spot += counts["on_spot"]
        self.due += counts["due"]
        self.on_time += counts["on_time"]
        self.closures += counts["closures"]

    @property
    def reported(self) -> int:
        return sum(self.by_status.values())

    @property
    def rejected(self) -> int:
        return self.by_status[Status.REJECTED]

    @property
    def valid(self) -> int:
        return self.reported - self.rejected

    @property
    def closed(self) -> int:
        return self.by_status[Status.CLOSED]

    @property
    def open(self) -> int:
        return sum(n for s, n in self.by_status.items() if s in OPEN)

    @property
    def rectification_rate(self) -> float | None:
        return self.closed / self.valid if self.valid else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "reported": self.reported,
            "valid": self.valid,
            "rejected": self.rejected,
            "closed": self.closed,
            "closed_on_time": self.on_time,
            "closed_with_deadline": self.due,
            "on_spot": self.on_spot,
            "open": self.open,
            "overdue": self.overdue,
            "closures": self.closures,
            "rectification_rate": ratio(self.rectification_rate),
            "on_time_rate": ratio(self.on_time_rate),
        }


Rows = dict[tuple, dict[str, int]]  # (unit_id, *group, status) → counters


def _rows(units: list[Any], window: Window, group: tuple[str, ...]) -> Rows:
    """Counters per unit, `group` dimensions and status: the cells plus pending deltas — from the
    coarse cells (month, grade, status) whenever the window and the grouping allow."""
    coarse = not (window.category or window.source) and set(group) <= {"month", "grade"}
    found = (HAZARD_TOTALS if coarse else HAZARDS).read(
        [(u.pk, 0, 0) for u in units],
        {u.pk: u.path for u in units},
        group=(*group, "status"),
        **window.cells(),
    )
    return {(unit_id, *rest): counts for (unit_id, _g, _k, *rest), counts in found.items()}


def overdue(paths: list[str], window: Window, today: dt.date | None = None) -> dict[str, int]:
    """Hazards being rectified past their deadline under each path (all of one length: a unit
    or sibling units), counted live: one query on (status, deadline)."""
    if not paths:
        return {}
    today = today or timezone.localdate()
    length = len(paths[0])
    common = paths[0]  # the nearest common ancestor's path (siblings: the parent's): one LIKE
    for p in paths[1:]:
        while not p.startswith(common):
            common = common[:-STEP]
    rows = (
        Hazard.objects.filter(
            window.hazard_q(), unit_path__startswith=common, status__in=RUNNING_STATUSES, deadline__lt=today
        )
        .annotate(prefix=Substr("unit_path", 1, length))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {r["prefix"]: r["n"] for r in rows}
    return {p: found.get(p, 0) for p in paths}


def summaries(units: list[Any], window: Window, today: dt.date | None = None) -> dict[int, Summary]:
    """The summary of each unit (units of one depth: a unit, or the children of one)."""
    rows = _rows(units, window, ())
    out = {u.pk: Summary() for u in units}
    for (unit_id, status), counts in rows.items():
        out[unit_id].add(status, counts)
    late = overdue([u.path for u in units], window, today)
    for u in units:
        out[u.pk].overdue = late[u.path]
    return out


def area_summaries(units: list[Any], today: dt.date | None = None) -> dict[int, tuple[Summary, Summary]]:
    """(all hazards, major hazards) of each unit (units of one depth): one grouped read of the
    coarse cells and one overdue query."""
    out = {u.pk: (Summary(), Summary()) for u in units}
    for (unit_id, grade, status), counts in _rows(units, Window(), ("grade",)).items():
        every, major = out[unit_id]
        every.add(status, counts)
        if grade == Grade.MAJOR:
            major.add(status, counts)
    late = overdue([u.path for u in units], Window(), today)
    for u in units:
        out[u.pk][0].overdue = late[u.path]
    return out


@dataclass
class Breakdown:
    totals: Summary
    by_grade: dict[str, Summary]
    by_category: dict[str, Summary]
    by_source: dict[str, Summary]
    by_month: dict[int, Summary]


def breakdown(unit: Any, window: Window, today: dt.date | None = None) -> Breakdown:
    """Totals of a unit and its summaries by grade, category, source and month."""
    parts: dict[str, dict] = {name: defaultdict(Summary) for name in ("grade", "category", "source", "month")}
    totals = Summary()
    # one small grouped read per dimension (the database sums; Python sees a few rows each)
    for (_unit, month, grade, status), counts in _rows([unit], window, ("month", "grade")).items():
        totals.add(status, counts)
        parts["grade"][grade].add(status, counts)
        # a closure is counted in the month it happened, the rest in the month of reporting
        parts["month"][month].add(status, counts)
    for name in ("category", "source"):
        for (_unit, value, status), counts in _rows([unit], window, (name,)).items():
            parts[name][value].add(status, counts)
    totals.overdue = overdue([unit.path], window, today)[unit.path]
    return Breakdown(
        totals,
        dict(parts["grade"]),
        dict(parts["category"]),
        dict(parts["source"]),
        _months(parts["month"], window),
    )


def _months(found: dict[int, Summary], window: Window) -> dict[int, Summary]:
    """Every month from the first to the last (of the window, else of the data), gaps as zeros."""
    keys = [k for k, s in found.items() if s.reported or s.closures]
    first = window.start or (min(keys) if keys else None)
    last = window.end or (max(keys) if keys else None)
    if first is None or last is None:
        return {}
    if not window.end:
        today = timezone.localdate()
        last = max(last, months.month_key(today)) if window.start else last
    out = {}
    month = first
    while month <= last and len(out) < 240:
        out[month] = found.get(month, Summary())
        y, m = divmod(month, 100)
        month = (y + 1) * 100 + 1 if m == 12 else month + 1
    return out


def month_label(month: int) -> str:
    return months.label(month)
