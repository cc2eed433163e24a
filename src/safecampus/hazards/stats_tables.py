"""The tables of the hazard statistics page, shared by the page and its Excel exports: the
unit's split by status, grade, category and source, and the ranking of its child units."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from safecampus.core.models import Unit
from safecampus.core.rollups import percent
from safecampus.risks.models import Category

from .figures import Breakdown, Summary, Window, month_label, summaries
from .models import Grade, Source, Status
from .stats_access import child_units

# Sortable columns of the ranking: key (a Summary attribute), label, shown from which width.
COLUMNS = [
    ("name", gettext_lazy("Unit"), ""),
    ("reported", gettext_lazy("Reported"), "d-none d-sm-table-cell"),
    ("closed", gettext_lazy("Closed"), "d-none d-md-table-cell"),
    ("open", pgettext_lazy("hazards count", "Open"), "d-none d-md-table-cell"),
    ("overdue", gettext_lazy("Overdue"), ""),
    ("rectification_rate", gettext_lazy("Rectification rate"), ""),
    ("on_time_rate", gettext_lazy("On-time rate"), "d-none d-sm-table-cell"),
]
SORT_KEYS = [c[0] for c in COLUMNS]


@dataclass
class Row:
    key: str
    label: str
    s: Summary


def split_rows(b: Breakdown) -> dict[str, list[Row]]:
    """The unit's split tables, in the order of the choices, only the values that occur."""

    def rows(parts: dict[str, Summary], choices: Any) -> list[Row]:
        return [Row(v, str(label), parts[v]) for v, label in choices if v in parts and parts[v].reported]

    return {
        "grade": rows(b.by_grade, Grade.choices),
        "category": rows(b.by_category, Category.choices),
        "source": rows(b.by_source, Source.choices),
    }


def status_rows(s: Summary) -> list[tuple[str, str, int]]:
    return [(v, str(label), s.by_status.get(v, 0)) for v, label in Status.choices]


@dataclass
class ChildRow:
    unit: Unit
    s: Summary
    rank: int = 0


def ranking(unit: Unit, window: Window, sort: str = "-rectification_rate") -> list[ChildRow]:
    """The child units with their figures, sorted by `sort` (`-key`: descending; undefined rates
    last), ranked 1, 2, … in that order."""
    children = child_units(unit)
    figures = summaries(children, window)
    rows = [ChildRow(c, figures[c.pk]) for c in children]
    key = sort.lstrip("-")
    if key in SORT_KEYS and key != "name":
        present = [r for r in rows if getattr(r.s, key) is not None]
        missing = [r for r in rows if getattr(r.s, key) is None]
        present.sort(key=lambda r: getattr(r.s, key), reverse=sort.startswith("-"))
        rows = present + missing
    elif sort == "-name":
        rows.reverse()
    for i, r in enumerate(rows, 1):
        r.rank = i
    return rows


def figures_header() -> list[str]:
    return [
        _("Reported"),
        _("Valid"),
        pgettext("hazards count", "Rejected"),
        _("Closed"),
        _("Fixed on the spot"),
        _("Closed with a deadline"),
        _("Closed on time"),
        pgettext("hazards count", "Open"),
        _("Overdue"),
        _("Rectification rate (%)"),
        _("On-time rate (%)"),
    ]


def figures_cells(s: Summary) -> list[Any]:
    return [
        s.reported,
        s.valid,
        s.rejected,
        s.closed,
        s.on_spot,
        s.due,
        s.on_time,
        s.open,
        s.overdue,
        percent(s.rectification_rate),
        percent(s.on_time_rate),
    ]


def tables_header() -> list[str]:
    return [_("Table"), _("Item"), *figures_header()]


def tables_rows(b: Breakdown) -> Iterator[list[Any]]:
    """Every table of the page in one sheet: totals, by status, grade, category, source, month."""
    yield [_("Totals"), "", *figures_cells(b.totals)]
    for _v, label, n in status_rows(b.totals):
        yield [_("By status"), label, n]
    titles = {"grade": pgettext("hazard", "By grade"), "category": _("By category"), "source": _("By source")}
    for name, rows in split_rows(b).items():
        for r in rows:
            yield [titles[name], r.label, *figures_cells(r.s)]
    for month, s in b.by_month.items():
        yield [_("By month of reporting"), month_label(month), *figures_cells(s)]


def children_header() -> list[str]:
    return [_("Rank"), _("Unit"), *figures_header()]


def children_rows(rows: list[ChildRow]) -> Iterator[list[Any]]:
    for r in rows:
        yield [r.rank, r.unit.name, *figures_cells(r.s)]
