"""Scoped reads of shifts, rotas and swaps (404 alike for missing and not yours). Shifts read here
are settled first: a planned shift past start + grace is marked not taken over as it is read.

The place: a unit where the reader holds `duties.view` reads all of its shifts; a school where
the reader only works (a teacher on the roster) reads the reader's own shifts there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safecampus.core import access
from safecampus.core.models import Unit
from safecampus.core.places import can_view_unit, id_param, unit_named
from safecampus.core.roles import Perm

from . import missed
from .models import Rota, Shift, ShiftStatus, Swap, SwapStatus

VIEW = Perm.VIEW_DUTIES


def shifts_of(user: Any) -> QuerySet[Shift]:
    return Shift.objects.visible_to(user).select_related("person", "unit")


def has_shifts(user: Any, active: Any = None) -> bool:
    """Does the user have a shift in the fortnight around today (the nav and today cards)?"""
    if not access.signed_in(user):
        return False
    today = timezone.localdate()
    return Shift.objects.filter(
        person_id=user.pk, date__range=(today - dt.timedelta(days=7), today + dt.timedelta(days=14))
    ).exists()


def reader_unit(user: Any, code: Any = None) -> tuple[Unit, bool]:
    """The unit a roster read is about and whether the reader reads all of it (`duties.view`) or
    only their own shifts there. No code: the reader's first unit with `duties.view`, else the
    school of their next shift. 404 for anything else."""
    if code not in (None, ""):
        unit = unit_named(code)
        if can_view_unit(user, unit, VIEW):
            return unit, True
        if any(m.unit_id == unit.pk for m in access.memberships(user)):
            return unit, False
        raise Http404
    home = access.home_unit(user, VIEW)
    if home is not None:
        return home, True
    today = timezone.localdate()
    mine = Shift.objects.filter(person_id=getattr(user, "pk", None), date__gte=today).select_related("unit")
    first = (
        mine.order_by("date").first()
        or Shift.objects.filter(person_id=getattr(user, "pk", None))
        .select_related("unit")
        .order_by("-date")
        .first()
    )
    if first is None:
        raise Http404
    return first.unit, False


def at_unit(user: Any, unit: Unit) -> QuerySet[Shift]:
    return shifts_of(user).filter(unit_path__startswith=unit.path)


def settled(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    missed.settle(qs.filter(status=ShiftStatus.PLANNED, start__lt=timezone.now()))
    return qs


def between(user: Any, unit: Unit, start: dt.date, end: dt.date, *, mine: bool = False) -> QuerySet[Shift]:
    qs = at_unit(user, unit).filter(date__range=(start, end))
    if mine:
        qs = qs.filter(person_id=user.pk)
    return settled(qs).order_by("date", "start", "kind", "id")


def now_on(user: Any, unit: Unit, now: dt.datetime | None = None) -> QuerySet[Shift]:
    """The shifts running now (start ≤ now < end) at the unit."""
    now = now or timezone.now()
    return settled(at_unit(user, unit).filter(start__lte=now, end__gt=now)).order_by("start", "id")


def get_shift_for(user: Any, shift_id: Any) -> Shift:
    shift = get_object_or_404(shifts_of(user), pk=id_param(shift_id))
    if shift.status == ShiftStatus.PLANNED and shift.start < timezone.now():
        missed.settle(Shift.objects.filter(pk=shift.pk))
        shift.refresh_from_db()
    return shift


def my_today(user: Any, now: dt.datetime | None = None) -> list[Shift]:
    """The user's shifts of today, and any still running from yesterday (a 24-hour shift)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    qs = Shift.objects.filter(person_id=user.pk).filter(Q(date=today) | Q(start__lte=now, end__gt=now))
    return list(settled(qs.select_related("unit", "person")).order_by("start", "id"))


def my_upcoming(user: Any, now: dt.datetime | None = None, days: int = 14) -> list[Shift]:
    today = timezone.localdate(now or timezone.now())
    qs = Shift.objects.filter(person_id=user.pk, date__gt=today, date__lte=today + dt.timedelta(days=days))
    return list(qs.select_related("unit").order_by("start", "id"))


def swaps_of(user: Any) -> QuerySet[Swap]:
    return Swap.objects.visible_to(user).select_related(
        "shift", "from_person", "to_person", "decided_by", "unit"
    )


def swaps_at(user: Any, unit: Unit, status: str = "") -> QuerySet[Swap]:
    qs = swaps_of(user).filter(unit_path__startswith=unit.path)
    return qs.filter(status=status) if status else qs


def pending_swaps(user: Any, unit: Unit) -> QuerySet[Swap]:
    return swaps_at(user, unit, SwapStatus.REQUESTED)


def get_swap_for(user: Any, swap_id: Any) -> Swap:
    return get_object_or_404(swaps_of(user), pk=id_param(swap_id))


def rotas_at(user: Any, unit: Unit) -> QuerySet[Rota]:
    return Rota.objects.visible_to(user).filter(unit_path__startswith=unit.path)


def get_rota_for(user: Any, rota_id: Any) -> Rota:
    return get_object_or_404(Rota.objects.visible_to(user).select_related("unit"), pk=id_param(rota_id))
