"""School calendar API, mounted at `/api/v1/calendar`.

`GET calendar?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD` answers the unit's calendar for the days
`from`..`to` (at most 400 days; today and the next 30 days by default): the terms and holidays
overlapping them, the make-up working days and school days among them, and the unit's time
slots. A unit the caller may not read is 404, like a missing one; a bad date or range is 400
`{"detail", "field"}`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from safecampus.core import access
from safecampus.core.api import ERRORS
from safecampus.core.errors import Invalid
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm

from .calendar import calendar_for

router = Router(tags=["school calendar"])
MAX_DAYS = 400
DEFAULT_DAYS = 30


class CalendarQuery(Schema):
    unit: str | None = Field(None, description="Unit code (default: the caller's own unit).")
    from_: str | None = Field(None, alias="from", description="First day (YYYY-MM-DD, default today).")
    to: str | None = Field(None, description="Last day (YYYY-MM-DD, default 30 days after the first).")


class CalendarPeriodOut(Schema):
    name: str
    start: dt.date
    end: dt.date


class CalendarSlotOut(Schema):
    code: str
    name: str
    time: str


class CalendarOut(Schema):
    unit: str
    name: str
    terms: list[CalendarPeriodOut]
    holidays: list[CalendarPeriodOut]
    makeup_days: list[dt.date]
    slots: list[CalendarSlotOut]
    school_days: list[dt.date]


def _day(value: str | None, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(_("Enter a date as YYYY-MM-DD."), field=field) from None


@router.get("", response={200: CalendarOut, **ERRORS}, by_alias=True, summary="School calendar of a unit")
def school_calendar(request: HttpRequest, q: Query[CalendarQuery]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if q.unit:
        unit = unit_for(user, Perm.VIEW_UNITS, code=q.unit)
    else:
        unit = access.home_unit(user, Perm.VIEW_UNITS)
        if unit is None:
            raise Http404
    start = _day(q.from_, "from") or timezone.localdate()
    end = _day(q.to, "to") or start + dt.timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise Invalid(_("“to” must not be before “from”."), field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(_("Ask for at most %(n)s days at a time.") % {"n": MAX_DAYS}, field="to")
    cal = calendar_for(unit)
    return {
        "unit": unit.code,
        "name": unit.name,
        "terms": [t.as_dict() for t in cal.terms(start, end)],
        "holidays": [h.as_dict() for h in cal.holidays(start, end)],
        "makeup_days": cal.makeup_days(start, end),
        "slots": [s.as_dict() for s in cal.slots()],
        "school_days": cal.school_days(start, end),
    }
