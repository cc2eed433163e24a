"""Building `SchoolCalendar` snapshots for many units in a bounded number of queries (see
`schoolcal.calendar`'s docstring): the policy's calendar section per chain of units, the chains'
stored calendars, the schools' slots."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from safecampus.core.models import PolicyVersion, Unit
from safecampus.core.policy import deep_merge, default_values

from .calendar import (
    CHUNK,
    STANDARD_SLOTS,
    Holiday,
    SchoolCalendar,
    Slot,
    Term,
    YearCalendar,
    _Days,
    parse_time,
)
from .models import Calendar, SchoolSlot

logger = logging.getLogger("safecampus.schoolcal")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _policy_years(section: dict[str, Any]) -> dict[int, tuple[tuple[Term, ...], tuple[Holiday, ...], tuple]]:
    """The academic years of a policy's `calendar` section (malformed entries are skipped)."""
    out = {}
    for entry in section.get("academic_years") or []:
        try:
            year = int(entry["year"])
            terms = tuple(
                Term(str(t["name"]), _date(t["start"]), _date(t["end"])) for t in entry.get("terms", [])
            )
            holidays = tuple(
                Holiday(str(h["name"]), _date(h["start"]), _date(h["end"])) for h in entry.get("holidays", [])
            )
            makeup = tuple(sorted(_date(x) for x in entry.get("makeup_days", [])))
        except (KeyError, TypeError, ValueError):
            logger.warning("skipping a malformed calendar year in the policy: %r", entry)
            continue
        if any(None in (t.start, t.end) for t in (*terms, *holidays)) or None in makeup:
            logger.warning("skipping a calendar year with a malformed date in the policy: %r", entry)
            continue
        out[year] = (terms, holidays, makeup)
    return out


def _policy_slots(section: dict[str, Any]) -> list[Slot]:
    out = []
    for code, value in (section.get("slots") or {}).items():
        t = parse_time(value)
        if t is not None:
            out.append(Slot(str(code), t, standard=code in STANDARD_SLOTS))
    return out


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Builder:
    def __init__(self, units: list[Unit], on: dt.date) -> None:
        self.units = units
        self.on = on
        self.ancestors = sorted({p for u in units for p in u.ancestor_paths()})
        self._sections: dict[tuple, dict[str, Any]] = {}
        self._policy_years: dict[tuple, dict] = {}
        self._years: dict[tuple, YearCalendar] = {}
        self._days: dict[tuple, _Days] = {}
        self._slot_defaults: dict[tuple, dict[str, Slot]] = {}

    def _chain_q(self, ids: list[int], path_field: str, unit_field: str) -> Q:
        q = Q(**{f"{unit_field}__in": ids})
        if self.ancestors:
            q |= Q(**{f"{path_field}__in": self.ancestors})
        return q

    def load(self, ids: list[int]) -> None:
        versions = (
            PolicyVersion.objects.filter(
                self._chain_q(ids, "unit__path", "unit_id"), effective_from__lte=self.on
            )
            .order_by("unit__path", "effective_from", "id")
            .values_list("unit__path", "id", "data")
        )
        self.newest: dict[str, tuple[int, Any]] = {}
        for path, pk, data in versions:
            self.newest[path] = (pk, data)  # the newest of each unit wins (as in policy_for)
        self.calendars: dict[str, dict[int, Calendar]] = {}
        for cal in (
            Calendar.objects.filter(self._chain_q(ids, "unit_path", "unit_id"))
            .select_related("unit")
            .prefetch_related("terms", "holidays", "makeup_days")
        ):
            self.calendars.setdefault(cal.unit_path, {})[cal.year] = cal
        self.slots: dict[int, list[SchoolSlot]] = {}
        for row in SchoolSlot.objects.filter(unit_id__in=ids):
            self.slots.setdefault(row.unit_id, []).append(row)

    def base(self) -> dict[str, Any]:
        if not hasattr(self, "_base"):
            section = default_values().get("calendar", {})
            row = (
                PolicyVersion.objects.filter(unit=None, effective_from__lte=self.on)
                .order_by("-effective_from", "-id")
                .values_list("data", flat=True)
                .first()
            )
            if isinstance(row, dict) and isinstance(row.get("calendar"), dict):
                section = deep_merge(section, row["calendar"])
            self._base = section
        return self._base

    def section(self, chain: list[str]) -> tuple[tuple, dict[str, Any]]:
        """The policy's calendar section at the end of `chain`, and a key naming its versions."""
        layers = []
        for path in chain:
            pk, data = self.newest.get(path, (None, None))
            if isinstance(data, dict) and isinstance(data.get("calendar"), dict):
                layers.append((pk, data["calendar"]))
        key = tuple(pk for pk, _d in layers)
        if key not in self._sections:
            section = self.base()
            for _pk, data in layers:
                section = deep_merge(section, data)
            self._sections[key] = section
        return key, self._sections[key]

    def year_from_policy(self, key: tuple, section: dict[str, Any], year: int) -> YearCalendar | None:
        if key not in self._policy_years:
            self._policy_years[key] = _policy_years(section)
        found = self._policy_years[key].get(year)
        if found is None:
            return None
        ykey = ("p", key, year)
        if ykey not in self._years:
            terms, holidays, makeup = found
            self._years[ykey] = YearCalendar(year, terms, holidays, makeup, source="policy")
        return self._years[ykey]

    def year_from_row(self, cal: Calendar, own: bool) -> YearCalendar:
        ykey = ("c", cal.pk, own)
        if ykey not in self._years:
            self._years[ykey] = YearCalendar(
                cal.year,
                tuple(Term(t.name, t.start, t.end) for t in cal.terms.all()),
                tuple(Holiday(h.name, h.start, h.end) for h in cal.holidays.all()),
                tuple(m.date for m in cal.makeup_days.all()),
                source="own" if own else "region",
                source_unit=cal.unit,
                calendar_id=cal.pk,
            )
        return self._years[ykey]

    def build(self, unit: Unit) -> SchoolCalendar:
        chain = [*unit.ancestor_paths(), unit.path]
        pkey, section = self.section(chain)
        if pkey not in self._policy_years:
            self._policy_years[pkey] = _policy_years(section)
        wanted = set(self._policy_years[pkey])
        for path in chain:
            wanted.update(self.calendars.get(path, {}))
        years: dict[int, YearCalendar] = {}
        for year in sorted(wanted):
            for path in reversed(chain):  # the unit itself first, then up
                cal = self.calendars.get(path, {}).get(year)
                if cal is not None:
                    years[year] = self.year_from_row(cal, own=path == unit.path)
                    break
            else:
                found = self.year_from_policy(pkey, section, year)
                if found is not None:
                    years[year] = found
        dkey = tuple(id(y) for y in years.values())
        if dkey not in self._days:
            self._days[dkey] = _Days(years.values())
        if pkey not in self._slot_defaults:
            self._slot_defaults[pkey] = {s.code: s for s in _policy_slots(section)}
        slots = dict(self._slot_defaults[pkey])
        for row in self.slots.get(unit.pk, []):
            if not row.active:
                slots.pop(row.code, None)
                continue
            standard = row.code in STANDARD_SLOTS
            slots[row.code] = Slot(row.code, row.time, row.name, standard=standard)
        return SchoolCalendar(unit, years, self._days[dkey], list(slots.values()))
