"""Writing the school calendar: every change checks `calendar.manage` at the unit, validates the
whole input (nothing is written when any part is wrong), writes and records the audit event in
one transaction.

- `save_calendar(unit, year, *, actor, terms, holidays, makeup_days, note="")`: a bureau's region
  calendar, or a school's own (which then overrides its region's for that academic year).
- `remove_calendar(unit, year, *, actor)`: the unit inherits that year again.
- `save_slots(school, rows, *, actor)`: the school's time slots (changes to the standard ones and
  its own); a row equal to the policy's default is not stored, so a region's change reaches it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .calendar import STANDARD_SLOTS, policy_slots
from .models import Calendar, CalendarHoliday, CalendarTerm, MakeupDay, SchoolSlot

CALENDAR_KINDS = {UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.SCHOOL}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_TERMS = 6
MAX_HOLIDAYS = 40
MAX_MAKEUP = 40
MAX_SLOTS = 30


def year_window(year: int) -> tuple[dt.date, dt.date]:
    """The dates an academic year's calendar may name: 1 July of its year to 31 August of the next."""
    return dt.date(year, 7, 1), dt.date(year + 1, 8, 31)


def _periods(
    rows: list[dict[str, Any]], field: str, year: int, limit: int
) -> list[tuple[str, dt.date, dt.date]]:
    low, high = year_window(year)
    if len(rows) > limit:
        raise Invalid(_("At most %(n)s rows.") % {"n": limit}, field=field)
    out = []
    for row in rows:
        name = str(row.get("name") or "").strip()
        start, end = row.get("start"), row.get("end")
        if not name or len(name) > 60:
            raise Invalid(_("Each row needs a name of at most 60 characters."), field=field)
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            raise Invalid(_("“%(name)s” needs a first and a last day.") % {"name": name}, field=field)
        if end < start:
            raise Invalid(_("“%(name)s” ends before it starts.") % {"name": name}, field=field)
        if start < low or end > high:
            raise Invalid(
                _("“%(name)s” lies outside the academic year (%(low)s to %(high)s).")
                % {"name": name, "low": low.isoformat(), "high": high.isoformat()},
                field=field,
            )
        out.append((name, start, end))
    return sorted(out, key=lambda r: (r[1], r[2]))


def _check(
    year: int, terms: list[dict], holidays: list[dict], makeup_days: list[dict]
) -> tuple[list, list, list[tuple[dt.date, str]]]:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2099:
        raise Invalid(_("Choose an academic year from 2000 to 2099."), field="year")
    errors: dict[str, str] = {}
    t_rows = h_rows = []
    try:
        t_rows = _periods(terms, "terms", year, MAX_TERMS)
        if not t_rows:
            raise Invalid(_("A calendar needs at least one term."), field="terms")
        for (a_name, _a0, a_end), (b_name, b_start, _b1) in itertools.pairwise(t_rows):
            if b_start <= a_end:
                raise Invalid(
                    _("Terms “%(a)s” and “%(b)s” overlap.") % {"a": a_name, "b": b_name}, field="terms"
                )
    except Invalid as exc:
        errors["terms"] = str(exc.message)
    try:
        h_rows = _periods(holidays, "holidays", year, MAX_HOLIDAYS)
    except Invalid as exc:
        errors["holidays"] = str(exc.message)
    low, high = year_window(year)
    m_rows: list[tuple[dt.date, str]] = []
    try:
        if len(makeup_days) > MAX_MAKEUP:
            raise Invalid(_("At most %(n)s rows.") % {"n": MAX_MAKEUP}, field="makeup_days")
        seen = set()
        for row in makeup_days:
            d, note = row.get("date"), str(row.get("note") or "").strip()[:60]
            if not isinstance(d, dt.date) or not low <= d <= high:
                raise Invalid(
                    _("A make-up working day must be a date from %(low)s to %(high)s.")
                    % {"low": low.isoformat(), "high": high.isoformat()},
                    field="makeup_days",
                )
            if d.weekday() < 5:
                raise Invalid(
                    _("%(date)s is a weekday: a make-up working day is a Saturday or Sunday.")
                    % {"date": d.isoformat()},
                    field="makeup_days",
                )
            if d in seen:
                raise Invalid(_("%(date)s is listed twice.") % {"date": d.isoformat()}, field="makeup_days")
            # The state's make-up days may fall in the school's vacation (outside every term);
            # inside a term, a day cannot be both off and worked.
            if any(s <= d <= e for _n, s, e in h_rows) and any(s <= d <= e for _n, s, e in t_rows):
                raise Invalid(
                    _("%(date)s lies inside a holiday during a term: it cannot be a make-up working day.")
                    % {"date": d.isoformat()},
                    field="makeup_days",
                )
            seen.add(d)
            m_rows.append((d, note))
    except Invalid as exc:
        errors["makeup_days"] = str(exc.message)
    if errors:
        raise InvalidFields(errors)
    return t_rows, h_rows, sorted(m_rows)


def _may_keep_calendar(unit: Unit) -> None:
    if unit.kind not in CALENDAR_KINDS:
        raise Invalid(_("Only provinces, cities, counties and schools keep a school calendar."), field="unit")


@transaction.atomic
def save_calendar(
    unit: Unit,
    year: int,
    *,
    actor: Any,
    terms: list[dict[str, Any]],
    holidays: list[dict[str, Any]],
    makeup_days: list[dict[str, Any]],
    note: str = "",
) -> Calendar:
    """Replace the unit's calendar of the academic year `year` (made when it has none)."""
    require(actor, Perm.MANAGE_CALENDAR, unit)
    _may_keep_calendar(unit)
    t_rows, h_rows, m_rows = _check(year, terms, holidays, makeup_days)
    cal = Calendar.objects.select_for_update().filter(unit=unit, year=year).first()
    before = cal.audit_snapshot() if cal is not None else None
    if cal is None:
        cal = Calendar(year=year)
        cal.set_unit(unit)
    cal.note = str(note or "").strip()[:200]
    cal.save()
    cal.terms.all().delete()
    cal.holidays.all().delete()
    cal.makeup_days.all().delete()
    CalendarTerm.objects.bulk_create(
        [CalendarTerm(calendar=cal, name=n, start=s, end=e) for n, s, e in t_rows]
    )
    CalendarHoliday.objects.bulk_create(
        [CalendarHoliday(calendar=cal, name=n, start=s, end=e) for n, s, e in h_rows]
    )
    MakeupDay.objects.bulk_create([MakeupDay(calendar=cal, date=d, note=n) for d, n in m_rows])
    after = cal.audit_snapshot()
    audit.record(actor, "calendar.saved", cal, unit=unit, before=before, after=after)
    return cal


@transaction.atomic
def remove_calendar(unit: Unit, year: int, *, actor: Any) -> bool:
    """Delete the unit's own calendar of `year` (it inherits again); False when it had none."""
    require(actor, Perm.MANAGE_CALENDAR, unit)
    cal = Calendar.objects.select_for_update().filter(unit=unit, year=year).first()
    if cal is None:
        return False
    audit.record(actor, "calendar.removed", cal, unit=unit, before=cal.audit_snapshot())
    cal.delete()
    return True


def _slot_snapshot(rows: list[SchoolSlot]) -> dict[str, Any]:
    """The school's changes, one line a slot: "code [name] HH:MM", "off" for one turned off."""
    lines = []
    for r in sorted(rows, key=lambda r: r.code):
        parts = [r.code, r.name, r.time.strftime("%H:%M") if r.active else "off"]
        lines.append(" ".join(p for p in parts if p))
    return {"slots": lines}


@transaction.atomic
def save_slots(school: Unit, rows: list[dict[str, Any]], *, actor: Any) -> list[SchoolSlot]:
    """Set the school's time slots. `rows`: {"code", "name", "time" (datetime.time), "active"};
    a standard code may change its time or name or be turned off, another code is the school's
    own slot and needs a name. Standard slots left out keep the policy's default."""
    require(actor, Perm.MANAGE_CALENDAR, school)
    if school.kind != UnitKind.SCHOOL:
        raise Invalid(_("Time slots belong to a school."), field="unit")
    if len(rows) > MAX_SLOTS:
        raise Invalid(_("At most %(n)s time slots.") % {"n": MAX_SLOTS}, field="slots")
    defaults = {s.code: s for s in policy_slots(school)}
    keep: list[SchoolSlot] = []
    seen: set[str] = set()
    for row in rows:
        code = str(row.get("code") or "").strip()
        name = str(row.get("name") or "").strip()
        time, active = row.get("time"), bool(row.get("active", True))
        if not CODE_RE.match(code):
            raise Invalid(
                _("“%(code)s” is not a slot code: lower-case letters, digits and _, starting with a letter.")
                % {"code": code},
                field="code",
            )
        if code in seen:
            raise Invalid(_("The slot code “%(code)s” is used twice.") % {"code": code}, field="code")
        seen.add(code)
        if len(name) > 40:
            raise Invalid(_("A slot name has at most 40 characters."), field="name")
        if code not in STANDARD_SLOTS and code not in defaults and not name:
            raise Invalid(_("The school's own slot “%(code)s” needs a name.") % {"code": code}, field="name")
        if not isinstance(time, dt.time):
            raise Invalid(_("Slot “%(code)s” needs a time (HH:MM).") % {"code": code}, field="time")
        time = time.replace(second=0, microsecond=0, tzinfo=None)
        default = defaults.get(code)
        if default is not None and active and not name and default.time == time:
            continue  # the policy's default: not stored
        keep.append(
            SchoolSlot(unit=school, unit_path=school.path, code=code, name=name, time=time, active=active)
        )
    existing = list(SchoolSlot.objects.select_for_update().filter(unit=school).order_by("code"))
    before = _slot_snapshot(existing)
    SchoolSlot.objects.filter(unit=school).delete()
    SchoolSlot.objects.bulk_create(keep)
    after = _slot_snapshot(keep)
    if before != after:
        audit.record(actor, "calendar.slots_saved", school, unit=school, before=before, after=after)
    return keep
