"""The hazard ledger (隐患台账) of a unit's subtree: filters, the schools' open and overdue counts,
and the rows of its Excel export (streamed by `core.excel`, never a formula)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safecampus.core.models import Unit
from safecampus.risks.models import Category

from . import queries
from .models import OPEN_STATUSES, RUNNING_STATUSES, Grade, Hazard, Source, Status

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def overdue_q(today: dt.date) -> Q:
    """Rectification running and the deadline passed."""
    return Q(status__in=RUNNING_STATUSES, deadline__lt=today)


@dataclass
class Filters:
    status: str = ""
    grade: str = ""
    category: str = ""
    source: str = ""
    month: str = ""
    overdue: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, data: Any) -> Filters:
        def pick(key: str, allowed: list[str]) -> str:
            value = str(data.get(key) or "")
            return value if value in allowed else ""

        month = str(data.get("month") or "")
        return cls(
            status=pick("status", [*Status.values, "open"]),
            grade=pick("grade", Grade.values),
            category=pick("category", Category.values),
            source=pick("source", Source.values),
            month=month if MONTH_RE.match(month) else "",
            overdue="1" if str(data.get("overdue") or "") in ("1", "on") else "",
            q=" ".join(str(data.get("q") or "").replace("\x00", "").split())[:60],
        )

    def apply(self, qs: QuerySet[Hazard], today: dt.date) -> QuerySet[Hazard]:
        if self.status == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif self.status:
            qs = qs.filter(status=self.status)
        for key in ("grade", "category", "source"):
            if getattr(self, key):
                qs = qs.filter(**{key: getattr(self, key)})
        if self.month:
            year, month = (int(x) for x in self.month.split("-"))
            tz = timezone.get_current_timezone()
            start = dt.datetime(year, month, 1, tzinfo=tz)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
            qs = qs.filter(reported_at__gte=start, reported_at__lt=end)
        if self.overdue:
            qs = qs.filter(overdue_q(today))
        if self.q:
            qs = qs.filter(Q(location__icontains=self.q) | Q(description__icontains=self.q))
        return qs

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def ledger(
    user: Any, unit: Unit, filters: Filters | None = None, today: dt.date | None = None
) -> QuerySet[Hazard]:
    qs = queries.in_unit(user, unit)
    if filters is not None:
        qs = filters.apply(qs, today or timezone.localdate())
    return qs.select_related("unit", "reported_by", "rectifier").order_by("-reported_at", "-id")


def area_figures(units: list[Unit], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Open, overdue, open major and closed hazards of each unit's subtree (units of one depth):
    the statistics' cells plus pending deltas and one indexed overdue query, never a scan of the
    area's hazards."""
    from .figures import area_summaries

    found = area_summaries(units, today)
    return [
        {"unit": u, "open": every.open, "overdue": every.overdue or 0,
         "major": major.open, "closed": every.closed, "reported": every.reported}
        for u in units
        for every, major in [found[u.pk]]
    ]  # fmt: skip


def area_total(unit: Unit, filters: Filters) -> int | None:
    """How many hazards a bureau's ledger lists, from the cells — None when a filter (overdue,
    text) needs the hazards themselves. (Whoever reads a bureau's ledger reads its whole subtree.)"""
    from .figures import Window, summaries

    if filters.overdue or filters.q:
        return None
    month = int(filters.month.replace("-", "")) if filters.month else None
    window = Window(start=month, end=month, grade=filters.grade or None, category=filters.category or None,
                    source=filters.source or None)  # fmt: skip
    summary = summaries([unit], window)[unit.pk]
    if filters.status == "open":
        return summary.open
    if filters.status:
        return summary.by_status.get(filters.status, 0)
    return summary.reported


def worst_first(row: dict[str, Any]) -> tuple[int, int, int]:
    return (row["overdue"], row["major"], row["open"])


def export_header() -> list[str]:
    return [
        _("No."), _("Number"), _("School"), _("Reported at"), _("Source"), _("Category"),
        pgettext("hazard", "Grade"), _("Location"), _("Description"), _("Reported by"), _("Status"),
        _("Rectifier"), _("Deadline"),
        _("Overdue days"), _("Rectification measures"), _("Funds (yuan)"), _("Escalated to"),
        _("Closed at"), _("Resolution"),
    ]  # fmt: skip


def export_rows(hazards: Iterable[Hazard], today: dt.date) -> Iterator[list[Any]]:
    sources, categories, grades = dict(Source.choices), dict(Category.choices), dict(Grade.choices)
    statuses = dict(Status.choices)
    for n, h in enumerate(hazards, start=1):
        yield [
            n,
            h.number,
            h.unit.name,
            timezone.localtime(h.reported_at).strftime("%Y-%m-%d %H:%M"),
            str(sources.get(h.source, h.source)),
            str(categories.get(h.category, h.category)),
            str(grades.get(h.grade, h.grade)),
            h.location,
            h.description,
            h.reported_by.display_name if h.reported_by else "",
            str(statuses.get(h.status, h.status)),
            h.rectifier.display_name if h.rectifier else "",
            h.deadline.isoformat() if h.deadline else "",
            h.overdue_days(today) or "",
            h.measures,
            float(h.funds) if h.funds is not None else "",
            str(h.get_escalation_display()),
            timezone.localtime(h.closed_at).strftime("%Y-%m-%d %H:%M") if h.closed_at else "",
            str(h.get_resolution_display()) if h.resolution else "",
        ]
