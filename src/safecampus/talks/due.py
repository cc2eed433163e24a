"""Which 1530 talk is due for a class on a day, from the school calendar (`schoolcal`):

- not a school day (weekend, holiday, outside the terms) → none;
- the last school day before a holiday (or the end of term) → `holiday`, 30 minutes;
- else the last school day before a weekend → `weekend`, 5 minutes;
- else → `daily`, 1 minute.

Make-up working days (调休上班日) are school days. The minutes are the minima of the policy's
`talks.minutes`. The rule needs only the calendar, so every class of a school — and every school
sharing a calendar — has the same due talk on a day (`talks.settle` computes it once per calendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safecampus.core.policy import Policy

from .models import Kind

DEFAULT_MINUTES = {Kind.DAILY: 1, Kind.WEEKEND: 5, Kind.HOLIDAY: 30}


@dataclass(frozen=True)
class Due:
    kind: str
    minutes: int


def kind_on(calendar: Any, day: dt.date) -> str | None:
    """The kind of talk due on `day` under the calendar (None: no talk that day)."""
    if not calendar.is_school_day(day):
        return None
    if calendar.is_last_day_before_holiday(day):
        return Kind.HOLIDAY
    if calendar.is_last_day_before_weekend(day):
        return Kind.WEEKEND
    return Kind.DAILY


def minimum(policy: Policy | None, kind: str) -> int:
    """The policy's minimum minutes of a kind of talk."""
    section = (policy or {}).get("talks") or {}
    table = section.get("minutes") or {}
    return int(table.get(str(kind), DEFAULT_MINUTES[Kind(kind)]))


def due_on(calendar: Any, day: dt.date, policy: Policy | None) -> Due | None:
    """The talk due on `day` (kind and minimum minutes), or None."""
    kind = kind_on(calendar, day)
    if kind is None:
        return None
    return Due(str(kind), minimum(policy, kind))
