"""Validation helpers shared by the supervision services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.access import member_units
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require
from safecampus.risks.services import clean_text

# How far ahead a deadline may be set, and how far back a recorded event may lie.
MAX_AHEAD_DAYS = 366
MAX_BACK_DAYS = 366


def school_of(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Choose a school."), field="school")
    return unit


def acting_bureau(actor: Any, school: Unit) -> Unit:
    """The bureau in whose name `actor` supervises `school`: the nearest bureau above the school
    where the actor holds the supervision permission (PermissionDenied when none)."""
    require(actor, Perm.SUPERVISE_HAZARDS, school)
    held = [
        u for u in member_units(actor, Perm.SUPERVISE_HAZARDS, bureau=True) if school.path.startswith(u.path)
    ]
    if held:
        return max(held, key=lambda u: u.depth)
    # An operator (superuser): the school's nearest bureau.
    above = Unit.objects.filter(path__in=school.ancestor_paths()).exclude(kind=UnitKind.DEPARTMENT)
    bureau = above.order_by("-depth").first()
    if bureau is None:
        raise PermissionDenied(Perm.SUPERVISE_HAZARDS)
    return bureau


def parse_date(value: Any, field: str) -> dt.date:
    if value in (None, ""):
        raise Invalid(_("Enter a date."), field=field)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_("Enter a valid date."), field=field) from None


def future_date(value: Any, field: str = "deadline") -> dt.date:
    """A deadline: today or later, at most a year ahead."""
    date = parse_date(value, field)
    today = timezone.localdate()
    if date < today:
        raise Invalid(_("The deadline cannot be in the past."), field=field)
    if date > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        raise Invalid(_("The deadline may be at most %(n)s days away.") % {"n": MAX_AHEAD_DAYS}, field=field)
    return date


def past_date(value: Any, field: str = "date") -> dt.date:
    """The date something happened: not in the future, at most a year back."""
    date = parse_date(value, field)
    today = timezone.localdate()
    if date > today:
        raise Invalid(_("The date cannot be in the future."), field=field)
    if date < today - dt.timedelta(days=MAX_BACK_DAYS):
        raise Invalid(_("The date may be at most %(n)s days back.") % {"n": MAX_BACK_DAYS}, field=field)
    return date


def text(value: Any, field: str, *, limit: int = 4000, required: str | None = None) -> str:
    out = clean_text(value, limit, field, multiline=True)
    if required and not out:
        raise Invalid(required, field=field)
    return out


def line(value: Any, field: str, *, limit: int = 100) -> str:
    return clean_text(value, limit, field)
