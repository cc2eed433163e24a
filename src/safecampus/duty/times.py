"""When a shift runs: from the school calendar's slots and the policy's `duty:` section.

- leadership (领导带班): `leadership_hours` (24) from `leadership_start` on the day;
- duty (教师值班): slot `day` from the calendar's arrival to dismissal, `evening` from evening study
  to lights out (the policy's `duty_slots` names the two calendar slots of each);
- gate (护学岗): around the calendar's arrival or dismissal time, `gate_before_minutes` before to
  `gate_after_minutes` after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.policy import policy_for
from safecampus.schoolcal.calendar import SchoolCalendar, calendar_for, parse_time, school_datetime

from .models import Kind

MINUTE = dt.timedelta(minutes=1)


def duty_policy(unit: Unit, on: dt.date | None = None) -> Any:
    return policy_for(unit, on).duty if on is not None else policy_for(unit).duty


def _slot_time(cal: SchoolCalendar, code: str) -> dt.time:
    try:
        return cal.slot_time(code)
    except KeyError:
        raise Invalid(
            _("The school calendar has no “%(slot)s” time: set it on the calendar first.") % {"slot": code},
            field="slot",
        ) from None


def window(
    unit: Unit, kind: str, slot: str, day: dt.date, *, cal: SchoolCalendar | None = None, policy: Any = None
) -> tuple[dt.datetime, dt.datetime]:
    """The (start, end) of a shift of `kind` and `slot` on `day` at the school."""
    cal = cal or calendar_for(unit, on=day)
    pol = policy if policy is not None else duty_policy(unit)
    if kind == Kind.LEADERSHIP:
        start = school_datetime(day, parse_time(pol["leadership_start"]) or dt.time(8, 0))
        return start, start + dt.timedelta(hours=int(pol["leadership_hours"]))
    if kind == Kind.DUTY:
        first, last = pol["duty_slots"][slot]
        start = school_datetime(day, _slot_time(cal, first))
        end = school_datetime(day, _slot_time(cal, last))
        if end <= start:
            end += dt.timedelta(days=1)
        return start, end
    at = school_datetime(day, _slot_time(cal, slot))
    return at - int(pol["gate_before_minutes"]) * MINUTE, at + int(pol["gate_after_minutes"]) * MINUTE


def take_over_opens(shift: Any, policy: Any = None) -> dt.datetime:
    pol = policy if policy is not None else duty_policy(shift.unit)
    return shift.start - int(pol["take_over_before_minutes"]) * MINUTE


def grace(unit: Unit, policy: Any = None) -> dt.timedelta:
    pol = policy if policy is not None else duty_policy(unit)
    return int(pol["grace_minutes"]) * MINUTE
