"""The rota generator (排班): a weekly (or daily) rotation over a list of people across the school
days of a date range, read from the school calendar — holidays skipped, make-up working days
(调休上班日) included whatever their weekday. Generating is idempotent: a day that already has the
rota's shift (perhaps swapped since) is left alone, so re-running creates nothing twice.

Who is on a day: with the weekly rotation the n-th week of the range (Monday to Sunday, counted
from the week of `starts_on`) goes to person n (cycling); with the daily rotation the n-th school
day of the range goes to person n. The assignment depends on the rota alone, never on when it runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.schoolcal.calendar import SchoolCalendar, calendar_for

from . import times
from .models import Rota, Rotation, Shift
from .services import (
    MAX_POST,
    clean_text,
    colleague,
    kind_and_slot,
    parse_day,
    require_manager,
    school_of,
    staff_ids,
)

MAX_DAYS = 366
MAX_PEOPLE = 30


def rota_days(rota: Rota, cal: SchoolCalendar) -> list[dt.date]:
    """The school days of the rota's range on its weekdays, make-up working days always."""
    wanted = set(rota.weekdays or range(1, 8))
    return [
        d
        for d in cal.school_days(rota.starts_on, rota.ends_on)
        if d.isoweekday() in wanted or cal.is_makeup_day(d)
    ]


def assignments(rota: Rota, days: list[dt.date]) -> list[tuple[dt.date, int]]:
    """(day, person id) for each day of the rota."""
    people = list(rota.people)
    if not people:
        return []
    first_monday = rota.starts_on - dt.timedelta(days=rota.starts_on.weekday())
    out = []
    for i, d in enumerate(days):
        if rota.rotation == Rotation.WEEKLY:
            n = ((d - dt.timedelta(days=d.weekday())) - first_monday).days // 7
        else:
            n = i
        out.append((d, people[n % len(people)]))
    return out


def _weekdays(value: Any) -> list[int]:
    if value in (None, "", []):
        return [1, 2, 3, 4, 5]
    try:
        days = sorted({int(v) for v in value if not isinstance(v, bool)})
    except (TypeError, ValueError):
        days = []
    if not days or any(not 1 <= d <= 7 for d in days):
        raise Invalid(_("Choose the weekdays of the rota."), field="weekdays")
    return days


def _people(unit: Unit, value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(_("Choose at least one person for the rota."), field="people")
    if len(value) > MAX_PEOPLE:
        raise Invalid(_("At most %(n)s people in a rota.") % {"n": MAX_PEOPLE}, field="people")
    return [colleague(unit, p, "people").pk for p in value if p not in (None, "")]


@transaction.atomic
def create_rota(
    unit: Unit,
    *,
    actor: Any,
    kind: Any,
    slot: Any = None,
    people: Any,
    starts_on: Any,
    ends_on: Any,
    weekdays: Any = None,
    rotation: Any = Rotation.WEEKLY,
    post: Any = "",
    now: dt.datetime | None = None,
) -> tuple[Rota, int]:
    """Define a rota at a school and generate its shifts; returns the rota and how many shifts."""
    school_of(unit)
    require_manager(actor, unit)
    kind, slot = kind_and_slot(kind, slot)
    start, end = parse_day(starts_on, "starts_on"), parse_day(ends_on, "ends_on")
    if end < start:
        raise Invalid(_("The end date is before the start date."), field="ends_on")
    if (end - start).days >= MAX_DAYS:
        raise Invalid(_("A rota covers at most a year."), field="ends_on")
    if rotation not in Rotation.values:
        raise Invalid(_("Choose a weekly or daily rotation."), field="rotation")
    rota = Rota(
        kind=kind,
        slot=slot,
        post=clean_text(post, MAX_POST, "post"),
        people=_people(unit, people),
        weekdays=_weekdays(weekdays),
        rotation=rotation,
        starts_on=start,
        ends_on=end,
        created_by=actor,
    )
    rota.set_unit(unit)
    times.window(unit, kind, slot, start)  # the calendar has the slot's times
    rota.save()
    audit.record(
        actor,
        "duty.rota_created",
        rota,
        after={
            "kind": kind,
            "slot": slot,
            "people": rota.people,
            "weekdays": rota.weekdays,
            "rotation": rotation,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
            "post": rota.post,
        },
    )
    created = _generate(rota, actor=actor, now=now)
    return rota, created


@transaction.atomic
def generate(rota: Rota, *, actor: Any, now: dt.datetime | None = None) -> int:
    """(Re-)generate the rota's shifts from today on; returns how many were created (0 on a re-run)."""
    require_manager(actor, rota.unit)
    return _generate(rota, actor=actor, now=now)


def _generate(rota: Rota, *, actor: Any, now: dt.datetime | None) -> int:
    unit = rota.unit
    today = timezone.localdate(now or timezone.now())
    cal = calendar_for(unit, on=rota.starts_on)
    pol = times.duty_policy(unit)
    have = set(Shift.objects.filter(rota=rota).values_list("date", flat=True))
    taken = set(
        Shift.objects.filter(
            unit=unit, kind=rota.kind, slot=rota.slot, date__range=(rota.starts_on, rota.ends_on)
        ).values_list("date", "person_id")
    )
    staff = staff_ids(unit)  # someone who left the school since is skipped
    rows = []
    for day, person in assignments(rota, rota_days(rota, cal)):
        if day < today or day in have or (day, person) in taken or person not in staff:
            continue
        start, end = times.window(unit, rota.kind, rota.slot, day, cal=cal, policy=pol)
        shift = Shift(
            kind=rota.kind,
            slot=rota.slot,
            post=rota.post,
            date=day,
            start=start,
            end=end,
            person_id=person,
            rota=rota,
            position=1,
            created_by=actor,
        )
        shift.set_unit(unit)
        rows.append(shift)
    Shift.objects.bulk_create(rows)
    if rows:
        audit.record(
            actor,
            "duty.rota_generated",
            rota,
            after={
                "shifts": len(rows),
                "from": rows[0].date.isoformat(),
                "to": rows[-1].date.isoformat(),
            },
        )
    return len(rows)
