"""Recurrence rules on the school calendar: when a scheduled check (or a talk, a drill) falls due.

A rule is a JSON-serialisable dict:

    {"kind": "daily" | "weekly" | "monthly" | "term_start" | "term_end" | "before_holiday" | "dates",
     "slots": ["arrival", ...],     # the school's time slots (codes), and/or
     "times": ["07:30", ...],       # clock times (HH:MM, Asia/Shanghai); several → several a day
     "weekdays": [1, 3],            # weekly: ISO weekdays, 1 = Monday … 7 = Sunday
     "day": 31,                     # monthly: day of the month, clamped to the month's end
     "days_before": 1,              # before_holiday: the Nth school day before each holiday starts
     "offset_days": 0,              # term_start: N days after the start; term_end: N days before the end
     "dates": ["2026-09-01"],       # dates
     "school_days_only": true}      # see below

`school_days_only` (default true for daily, weekly and monthly, false otherwise): daily and weekly
skip days that are not school days (a make-up Sunday is one; a holiday Monday is not); monthly moves
a day that is not a school day to the next school day; term_start, term_end and dates skip such a
day. before_holiday always counts school days.

- `validate_rule(rule, calendar=None) -> dict`: the normalised rule (every key of its kind, sorted
  unique times and slots); raises `django.core.exceptions.ValidationError({field: message})` — a
  translated message for the field at fault (`kind`, `slots`, `times`, `weekdays`, `day`,
  `days_before`, `offset_days`, `dates`, `school_days_only`, or `rule` for the rule as a whole:
  not an object, or — with a calendar — no occurrence in the next 366 days). With a calendar,
  slot codes must be slots the school uses; without one, any well-formed code passes.
- `occurrences(rule, calendar, start, end) -> list[datetime]`: aware datetimes (Asia/Shanghai),
  sorted, without repeats, for the days `start`..`end` (inclusive).
- `describe(rule, calendar=None) -> str`: a translated summary ("每个上课日 到校 07:30").
- `rule_error(exc) -> (field, message)`: the first field and message of a ValidationError.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .calendar import STANDARD_SLOTS, SchoolCalendar, parse_time, school_datetime

KINDS = ("daily", "weekly", "monthly", "term_start", "term_end", "before_holiday", "dates")
KEYS = {
    "daily": {"school_days_only"},
    "weekly": {"weekdays", "school_days_only"},
    "monthly": {"day", "school_days_only"},
    "term_start": {"offset_days", "school_days_only"},
    "term_end": {"offset_days", "school_days_only"},
    "before_holiday": {"days_before"},
    "dates": {"dates", "school_days_only"},
}
COMMON = {"kind", "slots", "times"}
SCHOOL_DAYS_DEFAULT = {"daily": True, "weekly": True, "monthly": True}
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_TIMES = 24
MAX_DATES = 400
MAX_DAYS_BEFORE = 30
MAX_OFFSET = 60
HORIZON_DAYS = 366
SEARCH_DAYS = 120  # monthly: look this far for the next school day


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def rule_error(exc: ValidationError) -> tuple[str, str]:
    """The first (field, message) of a ValidationError raised here."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return field, errors[0]
    return "rule", exc.messages[0]


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(field, _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return value


def validate_rule(rule: Any, calendar: SchoolCalendar | None = None) -> dict[str, Any]:
    """The normalised rule, or a ValidationError naming the field at fault (see the docstring)."""
    if not isinstance(rule, dict):
        raise _fail("rule", _("A schedule rule must be an object."))
    kind = rule.get("kind")
    if kind not in KINDS:
        raise _fail("kind", _("Choose how the schedule repeats: %(kinds)s.") % {"kinds": ", ".join(KINDS)})
    for key in rule:
        if key not in COMMON | KEYS[kind]:
            raise _fail(str(key), _("“%(key)s” is not used by this kind of schedule.") % {"key": key})
    out: dict[str, Any] = {"kind": kind}

    slots = rule.get("slots", [])
    if not isinstance(slots, list) or len(slots) > MAX_TIMES:
        raise _fail("slots", _("Time slots must be a list of at most %(n)s slot codes.") % {"n": MAX_TIMES})
    for code in slots:
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise _fail("slots", _("“%(code)s” is not a time slot code.") % {"code": code})
        if calendar is not None and not calendar.has_slot(code):
            raise _fail("slots", _("The school has no time slot “%(code)s”.") % {"code": code})
    out["slots"] = sorted(set(slots), key=lambda c: (calendar.slot_time(c) if calendar else dt.time(), c))

    times = rule.get("times", [])
    if not isinstance(times, list) or len(times) > MAX_TIMES:
        raise _fail("times", _("Times must be a list of at most %(n)s times (HH:MM).") % {"n": MAX_TIMES})
    for value in times:
        if parse_time(value) is None:
            raise _fail(
                "times", _("“%(value)s” is not a time of day (HH:MM, 00:00–23:59).") % {"value": value}
            )
    out["times"] = sorted(set(times))
    if not out["slots"] and not out["times"]:
        raise _fail("slots", _("Choose at least one time slot or clock time."))

    if kind == "weekly":
        days = rule.get("weekdays")
        if not isinstance(days, list) or not days:
            raise _fail("weekdays", _("Choose at least one day of the week."))
        out["weekdays"] = sorted({_int(d, "weekdays", 1, 7) for d in days})
    elif kind == "monthly":
        out["day"] = _int(rule.get("day"), "day", 1, 31)
    elif kind == "before_holiday":
        out["days_before"] = _int(rule.get("days_before", 1), "days_before", 1, MAX_DAYS_BEFORE)
    elif kind in ("term_start", "term_end"):
        out["offset_days"] = _int(rule.get("offset_days", 0), "offset_days", 0, MAX_OFFSET)
    elif kind == "dates":
        dates = rule.get("dates")
        if not isinstance(dates, list) or not dates or len(dates) > MAX_DATES:
            raise _fail("dates", _("Give from 1 to %(n)s dates (YYYY-MM-DD).") % {"n": MAX_DATES})
        parsed = set()
        for value in dates:
            try:
                if not isinstance(value, str) or len(value) != 10:
                    raise ValueError
                parsed.add(dt.date.fromisoformat(value))
            except ValueError:
                raise _fail(
                    "dates", _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
                ) from None
        out["dates"] = [d.isoformat() for d in sorted(parsed)]
    if kind in KEYS and "school_days_only" in KEYS[kind]:
        flag = rule.get("school_days_only", SCHOOL_DAYS_DEFAULT.get(kind, False))
        if not isinstance(flag, bool):
            raise _fail("school_days_only", _("Enter true or false."))
        out["school_days_only"] = flag

    if calendar is not None:
        today = timezone.localdate()
        if not _days(out, calendar, today, today + dt.timedelta(days=HORIZON_DAYS - 1)):
            raise _fail("rule", _("This schedule never fires in the next 366 days on the school calendar."))
    return out


def _month_days(rule: dict[str, Any], cal: SchoolCalendar, start: dt.date, end: dt.date) -> set[dt.date]:
    out = set()
    # The month before `start` too: its day may move forward into the range.
    y, m = (start.year, start.month - 1) if start.month > 1 else (start.year - 1, 12)
    while (y, m) <= (end.year, end.month):
        d = dt.date(y, m, min(rule["day"], pycal.monthrange(y, m)[1]))
        if rule["school_days_only"]:
            for _i in range(SEARCH_DAYS):
                if cal.is_school_day(d):
                    break
                d += dt.timedelta(days=1)
            else:
                d = None
        if d is not None and start <= d <= end:
            out.add(d)
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def _nth_school_day_before(cal: SchoolCalendar, d: dt.date, n: int) -> dt.date | None:
    x = d
    for _i in range(n * 7 + 60):
        x -= dt.timedelta(days=1)
        if cal.is_school_day(x):
            n -= 1
            if n == 0:
                return x
    return None


def _days(rule: dict[str, Any], cal: SchoolCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a normalised rule fires on in `start`..`end`."""
    kind = rule["kind"]
    only = rule.get("school_days_only", False)
    if end < start:
        return []
    if kind in ("daily", "weekly"):
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        if kind == "weekly":
            days = [d for d in days if d.isoweekday() in rule["weekdays"]]
        return [d for d in days if cal.is_school_day(d)] if only else days
    if kind == "monthly":
        return sorted(_month_days(rule, cal, start, end))
    found: set[dt.date] = set()
    if kind == "term_start":
        found = {
            t.start + dt.timedelta(days=rule["offset_days"])
            for t in cal.terms(start - dt.timedelta(days=MAX_OFFSET), end)
        }
    elif kind == "term_end":
        found = {
            t.end - dt.timedelta(days=rule["offset_days"])
            for t in cal.terms(start, end + dt.timedelta(days=MAX_OFFSET))
        }
    elif kind == "dates":
        found = {dt.date.fromisoformat(x) for x in rule["dates"]}
    elif kind == "before_holiday":
        horizon = end + dt.timedelta(days=rule["days_before"] * 7 + 60)
        for h in cal.holidays(start, horizon):
            d = _nth_school_day_before(cal, h.start, rule["days_before"])
            if d is not None:
                found.add(d)
        only = False
    days = sorted(d for d in found if start <= d <= end)
    return [d for d in days if cal.is_school_day(d)] if only else days


def occurrences(rule: Any, calendar: SchoolCalendar, start: dt.date, end: dt.date) -> list[dt.datetime]:
    """The moments the rule fires on `start`..`end` (inclusive), aware (Asia/Shanghai), sorted.
    The rule is normalised first (ValidationError when malformed); a slot the school no longer
    uses fires nothing, so a schedule outlives a slot being turned off."""
    rule = validate_rule(rule)
    times = {parse_time(t) for t in rule["times"]}
    for code in rule["slots"]:
        slot = calendar.slot(code)
        if slot is not None:  # a slot the school stopped using fires no more
            times.add(slot.time)
    ordered = sorted(times)
    return [school_datetime(d, t) for d in _days(rule, calendar, start, end) for t in ordered]


WEEKDAY_NAMES = {
    1: lambda: pgettext("weekday", "Mon"),
    2: lambda: pgettext("weekday", "Tue"),
    3: lambda: pgettext("weekday", "Wed"),
    4: lambda: pgettext("weekday", "Thu"),
    5: lambda: pgettext("weekday", "Fri"),
    6: lambda: pgettext("weekday", "Sat"),
    7: lambda: pgettext("weekday", "Sun"),
}


def _join(parts: list[str]) -> str:
    return pgettext("list separator", ", ").join(parts)


def _when(rule: dict[str, Any]) -> str:
    kind = rule["kind"]
    only = rule.get("school_days_only", False)
    if kind == "daily":
        return _("Every school day") if only else _("Every day")
    if kind == "weekly":
        days = _join([WEEKDAY_NAMES[d]() for d in rule["weekdays"]])
        if only:
            return _("Every week on %(days)s (school days)") % {"days": days}
        return _("Every week on %(days)s") % {"days": days}
    if kind == "monthly":
        if only:
            return _("Monthly on day %(day)s (or the next school day)") % {"day": rule["day"]}
        return _("Monthly on day %(day)s") % {"day": rule["day"]}
    if kind == "term_start":
        n = rule["offset_days"]
        if not n:
            return _("On the first day of each term")
        return ngettext("%(n)s day after each term starts", "%(n)s days after each term starts", n) % {"n": n}
    if kind == "term_end":
        n = rule["offset_days"]
        if not n:
            return _("On the last day of each term")
        return ngettext("%(n)s day before each term ends", "%(n)s days before each term ends", n) % {"n": n}
    if kind == "before_holiday":
        n = rule["days_before"]
        return ngettext(
            "%(n)s school day before each holiday", "%(n)s school days before each holiday", n
        ) % {"n": n}
    shown = rule["dates"][:5]
    more = len(rule["dates"]) - len(shown)
    text = _("On %(dates)s") % {"dates": _join(shown)}
    if more:
        text += " " + ngettext("and %(n)s more date", "and %(n)s more dates", more) % {"n": more}
    return text


def describe(rule: Any, calendar: SchoolCalendar | None = None) -> str:
    """A translated one-line summary of a rule: when, then the slots (with their times when the
    school's calendar is given) and clock times. An invalid rule reads as such."""
    try:
        rule = validate_rule(rule)
    except ValidationError:
        return _("Invalid schedule rule")
    at = []
    for code in rule["slots"]:
        slot = calendar.slot(code) if calendar is not None else None
        if slot is not None:
            at.append(f"{slot.name} {slot.time:%H:%M}")
        else:
            at.append(str(STANDARD_SLOTS.get(code, code)))
    at += rule["times"]
    return f"{_when(rule)} {_join(at)}"
