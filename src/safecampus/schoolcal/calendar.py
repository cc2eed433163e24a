"""Reading the school calendar (校历): pure functions, a few queries for any number of units.

    cal = calendar_for(school)                   # one unit (7 queries at most)
    cals = calendars_for(schools)                # {unit.pk: SchoolCalendar}, same query count
    cal = calendar_for_request(request, school)  # memoised on the request

A `SchoolCalendar` is an immutable snapshot; no method queries the database:

- `is_school_day(d)`: inside a term, and a weekday outside every holiday, or a make-up working
  day (调休上班日, a weekend day that is worked — a Sunday make-up day is a school day).
- `school_days(start, end)` → list of dates; `next_school_day(d)` / `previous_school_day(d)`
  (the first school day on or after / on or before `d`, None beyond 400 days).
- `term_for(d)` → `Term | None`; `terms(start, end)` and `holidays(start, end)`: those overlapping
  the range (`Term` and `Holiday` have `name`, `start`, `end`); `makeup_days(start, end)` → dates;
  `next_holiday(d)`: the first holiday starting after `d`.
- `is_last_day_before_weekend(d)`: a school day followed by days off that are an ordinary weekend
  (no holiday, still in term); `last_school_day_before_weekend(d)`: the first such day on or
  after `d` (None within two weeks: a holiday break comes first). `is_last_day_before_holiday(d)`:
  a school day followed by days off that include a holiday or leave the term. Make-up days count
  as school days in all three (1530 talks: 5 minutes before weekends, 30 before holidays).
- `slots()` → the school's time slots in use, by time (`Slot`: `code`, `name` (translated for
  the standard codes), `time`, `standard`); `slot(code)` → `Slot | None`; `slot_time(code)` →
  `datetime.time` (KeyError for a code the school does not use).
- `policy_slots(unit)`: the policy's default slots at a unit, before the school's changes.
- `years`: {academic year: `YearCalendar`} with `source` ("own", "region", "policy") and
  `source_unit` — where each year's data comes from.

Where the data comes from, per academic year (2026 = 2026–2027): the unit's own `Calendar`, else
the nearest ancestor's, else the `calendar.academic_years` of the policy in force at the unit.
Slots: the policy's `calendar.slots` (code → "HH:MM"), changed or extended by the school's
`SchoolSlot` rows. Times of day are Asia/Shanghai (`SCHOOL_TZ`, `school_datetime(d, t)`).

Queries of `calendars_for(units)`: the base policy version, the units' chains' policy versions, the
chains' calendars with their terms, holidays and make-up days (4), the units' slots — 7 in all,
per 2,000 units; calendars with the same sources share one object, so 16,000 schools of one
region cost one region's data in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core.models import Unit

logger = logging.getLogger("safecampus.schoolcal")

SCHOOL_TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)
SEARCH_DAYS = 400  # next/previous school day: give up beyond this
CHUNK = 2000  # units per batch of queries

# The standard slot codes (stable: schedules refer to them) and their translated names.
STANDARD_SLOTS: dict[str, Any] = {
    "arrival": _("Arrival"),  # 到校
    "morning_reading": _("Morning reading"),  # 早读
    "long_break": _("Long break"),  # 大课间
    "lunch": _("Lunch"),  # 午餐
    "noon_rest": _("Noon rest"),  # 午休
    "dismissal": _("Dismissal"),  # 放学
    "evening_study": _("Evening study"),  # 晚自习
    "lights_out": _("Lights out"),  # 熄灯
}


@dataclass(frozen=True)
class Term:
    name: str
    start: dt.date
    end: dt.date

    def __contains__(self, d: dt.date) -> bool:
        return self.start <= d <= self.end

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Holiday(Term):
    pass


@dataclass(frozen=True)
class Slot:
    code: str
    time: dt.time
    custom_name: str = ""
    standard: bool = True

    @property
    def name(self) -> str:
        if self.custom_name:
            return self.custom_name
        return str(STANDARD_SLOTS.get(self.code, self.code))

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "time": self.time.strftime("%H:%M")}


@dataclass(frozen=True)
class YearCalendar:
    """One academic year's data and where it comes from."""

    year: int
    terms: tuple[Term, ...]
    holidays: tuple[Holiday, ...]
    makeup_days: tuple[dt.date, ...]
    source: str  # "own", "region" or "policy"
    source_unit: Unit | None = None
    calendar_id: int | None = None


def school_datetime(d: dt.date, t: dt.time) -> dt.datetime:
    """The aware moment of time `t` (a school's clock) on day `d`."""
    return dt.datetime.combine(d, t.replace(tzinfo=None), tzinfo=SCHOOL_TZ)


def academic_year(d: dt.date) -> int:
    """The academic year a date belongs to for editing (it starts on 1 August)."""
    return d.year if d.month >= 8 else d.year - 1


def parse_time(value: Any) -> dt.time | None:
    """ "HH:MM" (00:00–23:59) → time; None for anything else."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return None
    hh, mm = value[:2], value[3:]
    if not (hh.isdigit() and mm.isdigit() and hh.isascii() and mm.isascii()):
        return None
    if int(hh) > 23 or int(mm) > 59:
        return None
    return dt.time(int(hh), int(mm))


class _Days:
    """The combined days of several academic years (shared between calendars of equal sources)."""

    def __init__(self, years: Iterable[YearCalendar]) -> None:
        years = list(years)
        self.terms = tuple(sorted((t for y in years for t in y.terms), key=lambda t: (t.start, t.end)))
        self.holidays = tuple(sorted((h for y in years for h in y.holidays), key=lambda h: (h.start, h.end)))
        self.makeup = frozenset(d for y in years for d in y.makeup_days)
        days: set[dt.date] = set()
        for h in self.holidays:
            n = (h.end - h.start).days
            days.update(h.start + dt.timedelta(days=i) for i in range(n + 1))
        self.holiday_days = frozenset(days)


class SchoolCalendar:
    """A unit's calendar: see the module docstring."""

    def __init__(self, unit: Unit, years: dict[int, YearCalendar], days: _Days, slots: list[Slot]) -> None:
        self.unit = unit
        self.years = dict(sorted(years.items()))
        self._days = days
        self._slots = tuple(sorted(slots, key=lambda s: (s.time, s.code)))
        self._by_code = {s.code: s for s in self._slots}

    def __repr__(self) -> str:
        return f"<SchoolCalendar {self.unit.code} {sorted(self.years)}>"

    # -- days ---------------------------------------------------------------------------------
    def term_for(self, d: dt.date) -> Term | None:
        for t in self._days.terms:
            if t.start <= d <= t.end:
                return t
        return None

    def is_holiday(self, d: dt.date) -> bool:
        return d in self._days.holiday_days

    def is_makeup_day(self, d: dt.date) -> bool:
        return d in self._days.makeup

    def is_school_day(self, d: dt.date) -> bool:
        if self.term_for(d) is None:
            return False
        if d in self._days.makeup:
            return True
        return d.weekday() < 5 and d not in self._days.holiday_days

    def school_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        n = (end - start).days
        return [d for d in (start + dt.timedelta(days=i) for i in range(n + 1)) if self.is_school_day(d)]

    def next_school_day(self, d: dt.date) -> dt.date | None:
        for i in range(SEARCH_DAYS):
            x = d + dt.timedelta(days=i)
            if self.is_school_day(x):
                return x
        return None

    def previous_school_day(self, d: dt.date) -> dt.date | None:
        for i in range(SEARCH_DAYS):
            x = d - dt.timedelta(days=i)
            if self.is_school_day(x):
                return x
        return None

    def terms(self, start: dt.date, end: dt.date) -> list[Term]:
        return [t for t in self._days.terms if t.start <= end and t.end >= start]

    def holidays(self, start: dt.date, end: dt.date) -> list[Holiday]:
        return [h for h in self._days.holidays if h.start <= end and h.end >= start]

    def makeup_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return sorted(d for d in self._days.makeup if start <= d <= end)

    def next_holiday(self, d: dt.date) -> Holiday | None:
        return next((h for h in self._days.holidays if h.start > d), None)

    def _days_off_after(self, d: dt.date) -> list[dt.date] | None:
        """The days off between school day `d` and the next school day ([] when the next day is
        one; None when no school day follows within the search window)."""
        following = self.next_school_day(d + DAY)
        if following is None:
            return None
        return [d + dt.timedelta(days=i) for i in range(1, (following - d).days)]

    def _is_break(self, day: dt.date) -> bool:
        return day in self._days.holiday_days or self.term_for(day) is None

    def is_last_day_before_weekend(self, d: dt.date) -> bool:
        if not self.is_school_day(d):
            return False
        off = self._days_off_after(d)
        return bool(off) and not any(self._is_break(x) for x in off)

    def is_last_day_before_holiday(self, d: dt.date) -> bool:
        if not self.is_school_day(d):
            return False
        off = self._days_off_after(d)
        return off is None or any(self._is_break(x) for x in off)

    def last_school_day_before_weekend(self, d: dt.date) -> dt.date | None:
        for i in range(14):
            x = d + dt.timedelta(days=i)
            if self.is_last_day_before_weekend(x):
                return x
        return None

    # -- slots --------------------------------------------------------------------------------
    def slots(self) -> list[Slot]:
        return list(self._slots)

    def slot(self, code: str) -> Slot | None:
        return self._by_code.get(code)

    def has_slot(self, code: str) -> bool:
        return code in self._by_code

    def slot_time(self, code: str) -> dt.time:
        return self._by_code[code].time


def calendars_for(units: Iterable[Unit], *, on: dt.date | None = None) -> dict[int, SchoolCalendar]:
    """The calendars of many units at once ({unit.pk: calendar}), in a bounded number of queries
    (see the module docstring). `on`: the date the policy versions are taken at (today)."""
    from .building import _Builder, _chunks

    units = list({u.pk: u for u in units}.values())
    builder = _Builder(units, on or timezone.localdate())
    out: dict[int, SchoolCalendar] = {}
    for part in _chunks(units):
        builder.load([u.pk for u in part])
        for unit in part:
            out[unit.pk] = builder.build(unit)
    return out


def calendar_for(unit: Unit, *, on: dt.date | None = None) -> SchoolCalendar:
    """The calendar of one unit (a school, or a bureau's region)."""
    return calendars_for([unit], on=on)[unit.pk]


def policy_slots(unit: Unit, *, on: dt.date | None = None) -> list[Slot]:
    """The policy's default slots at the unit (before the school's own changes), by time."""
    from .building import _Builder, _policy_slots

    builder = _Builder([unit], on or timezone.localdate())
    builder.load([unit.pk])
    _key, section = builder.section([*unit.ancestor_paths(), unit.path])
    return sorted(_policy_slots(section), key=lambda s: (s.time, s.code))


@dataclass
class _RequestCache:
    by_unit: dict[int, SchoolCalendar] = field(default_factory=dict)


def calendar_for_request(request: Any, unit: Unit) -> SchoolCalendar:
    """`calendar_for(unit)` memoised for the rest of the request."""
    cache = getattr(request, "_schoolcal_cache", None)
    if cache is None:
        cache = _RequestCache()
        request._schoolcal_cache = cache
    if unit.pk not in cache.by_unit:
        cache.by_unit[unit.pk] = calendar_for(unit)
    return cache.by_unit[unit.pk]
