"""Default plan templates (`templates_data/*.yaml`) and how a template's items are dated in a term.

- `ensure_defaults()`: the shipped templates written to `PlanTemplate` (by code; changed files
  update their rows), once a process.
- `templates_for(unit, kind)`: the templates a school may start from (its type's first, then
  those for any type).
- `term_kind(term)`, `term_key(term)`: autumn or spring; the roll-up's key of a term.
- `date_items(template, term, calendar)`: each template item's planned date in the term — the
  day aimed at (a day of the month, or the Nth school day from the term's start or before its
  end), moved to the next school day of the term when it is not one (weekends, holidays), or
  to the last school day before when none follows. Items of months outside the term are left
  out, and so are the themes of months without a school day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from safecampus.schoolcal.calendar import SchoolCalendar, Term, academic_year

from .models import ItemKind, PlanTemplate, TermKind

DATA_DIR = Path(__file__).resolve().parent / "templates_data"
_LOADED = False


def read_files() -> list[dict[str, Any]]:
    """The shipped templates as written in the data files, by file name."""
    out = []
    for path in sorted(DATA_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            out.append(yaml.safe_load(fh))
    return out


def ensure_defaults(*, force: bool = False) -> None:
    """Write the shipped templates to the database (idempotent; once a process unless `force`)."""
    global _LOADED
    if _LOADED and not force and PlanTemplate.objects.exists():
        return
    with transaction.atomic():
        for data in read_files():
            PlanTemplate.objects.update_or_create(
                code=data["code"],
                defaults={
                    "school_type": data.get("school_type") or "",
                    "term_kind": data["term_kind"],
                    "title_zh": data["title_zh"],
                    "title_en": data.get("title_en", ""),
                    "source": data.get("source", ""),
                    "content": {"months": data.get("months") or []},
                },
            )
    _LOADED = True


def term_kind(term: Term) -> str:
    """Autumn for a term named so (秋) or starting from July to December; spring otherwise."""
    if "秋" in term.name or "autumn" in term.name.lower():
        return TermKind.AUTUMN
    if "春" in term.name or "spring" in term.name.lower():
        return TermKind.SPRING
    return TermKind.AUTUMN if term.start.month >= 7 else TermKind.SPRING


def term_key(term: Term) -> int:
    """Academic year × 10 + 1 (autumn) or 2 (spring): 20261 is the autumn term of 2026–2027."""
    return academic_year(term.start) * 10 + (1 if term_kind(term) == TermKind.AUTUMN else 2)


def templates_for(school_type: str, kind: str) -> list[PlanTemplate]:
    """Templates of the term kind for a school type: the type's own first, then the general ones."""
    ensure_defaults()
    rows = list(PlanTemplate.objects.filter(term_kind=kind, school_type__in=[school_type or "", ""]))
    return sorted(rows, key=lambda t: (t.school_type != school_type, t.code))


@dataclass(frozen=True)
class DatedItem:
    kind: str
    title: str
    title_en: str
    owner: str
    planned_on: dt.date
    order: int


def months_of(term: Term) -> list[int]:
    """The months (YYYYMM) a term touches, in order."""
    out, y, m = [], term.start.year, term.start.month
    while (y, m) <= (term.end.year, term.end.month):
        out.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _school_days(term: Term, cal: SchoolCalendar) -> list[dt.date]:
    return cal.school_days(term.start, term.end)


def _on_school_day(day: dt.date, days: list[dt.date]) -> dt.date | None:
    """`day` if it is a school day of the term, else the next one, else the last one before."""
    after = [d for d in days if d >= day]
    if after:
        return after[0]
    return days[-1] if days else None


def _aimed_at(item: dict[str, Any], month: int, term: Term, days: list[dt.date]) -> dt.date | None:
    if item.get("term_start"):
        n = int(item["term_start"])
        return days[min(n, len(days)) - 1] if days else None
    if item.get("term_end"):
        n = int(item["term_end"])
        return days[-min(n, len(days))] if days else None
    year = month // 100
    mon = month % 100
    day = min(int(item.get("day") or 1), 28 if mon == 2 else 30 if mon in (4, 6, 9, 11) else 31)
    target = dt.date(year, mon, day)
    if target < term.start:
        target = term.start
    if target > term.end:
        target = term.end
    return _on_school_day(target, days)


def _month_in_term(calendar_month: int, term: Term) -> int | None:
    """The YYYYMM of a calendar month (1–12) inside the term, None when the term misses it."""
    for ym in months_of(term):
        if ym % 100 == calendar_month:
            return ym
    return None


def date_items(template: PlanTemplate, term: Term, cal: SchoolCalendar) -> list[DatedItem]:
    """The template's items dated in the term on school days (see the module docstring)."""
    days = _school_days(term, cal)
    out: list[DatedItem] = []
    order = 0
    for month in template.months:
        ym = _month_in_term(int(month["month"]), term)
        for item in month.get("items") or []:
            if item.get("kind") not in ItemKind.values:
                continue
            anchored = item.get("term_start") or item.get("term_end")
            if ym is None and not anchored:
                continue  # a month the term does not reach
            day = _aimed_at(item, ym or 0, term, days)
            if day is None:
                continue
            order += 1
            out.append(DatedItem(item["kind"], item["title_zh"], item.get("title_en", ""),
                                 item.get("owner", ""), day, order))  # fmt: skip
    return sorted(out, key=lambda d: (d.planned_on, d.order))


def themes_in_term(template: PlanTemplate, term: Term, cal: SchoolCalendar) -> dict[int, tuple[str, str]]:
    """{YYYYMM: (theme, theme in English)} for the term's months with a school day."""
    with_days = {d.year * 100 + d.month for d in _school_days(term, cal)}
    out: dict[int, tuple[str, str]] = {}
    for month in template.months:
        ym = _month_in_term(int(month["month"]), term)
        if ym is not None and ym in with_days:
            out[ym] = (month.get("theme_zh", ""), month.get("theme_en", ""))
    return dict(sorted(out.items()))
