"""The duty rosters' "today" cards and navigation entry: the person on a shift today sees it to take
over or hand over; the school's safety office, principal and administrator see the shifts not
taken over (this week) and the swaps waiting for approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, nav, today
from safecampus.core.models import Unit
from safecampus.core.roles import Perm, role_allows

from . import times
from .models import Shift, ShiftStatus, Swap, SwapStatus

MANAGE = Perm.MANAGE_DUTIES


def my_count(user: Any, active: Any) -> int:
    """Today's shifts of the user still to take over or hand over."""
    now = timezone.now()
    mine = Shift.objects.filter(
        person_id=user.pk,
        status__in=(ShiftStatus.PLANNED, ShiftStatus.ON_DUTY, ShiftStatus.MISSED),
        end__gt=now,
    )
    return mine.filter(Q(date=timezone.localdate(now)) | Q(start__lte=now)).count()


def has_shift_today(user: Any, active: Any) -> bool:
    return my_count(user, active) > 0


def _schools(user: Any, active: Any) -> list[int]:
    if active is not None:
        ok = not active.unit.is_bureau and role_allows(active.role, MANAGE)
        return [active.unit_id] if ok else []
    return [m.unit_id for m in access.memberships(user, MANAGE, bureau=False)]


def school_manager(user: Any, active: Any) -> bool:
    return bool(_schools(user, active))


def missed_count(user: Any, active: Any) -> int:
    """This week's shifts not taken over at the schools the user manages (planned ones past start
    + grace count too: they are marked as soon as they are read)."""
    schools = _schools(user, active)
    if not schools:
        return 0
    now = timezone.now()
    since = timezone.localdate(now) - dt.timedelta(days=6)
    late = Q(status=ShiftStatus.MISSED)
    for unit in Unit.objects.filter(pk__in=schools):
        late |= Q(unit_id=unit.pk, status=ShiftStatus.PLANNED, start__lt=now - times.grace(unit))
    return Shift.objects.filter(unit_id__in=schools, date__gte=since).filter(late).count()


def swaps_count(user: Any, active: Any) -> int:
    schools = _schools(user, active)
    if not schools:
        return 0
    return (
        Swap.objects.filter(unit_id__in=schools, status=SwapStatus.REQUESTED)
        .exclude(Q(from_person_id=user.pk) | Q(to_person_id=user.pk))
        .count()
    )


def register() -> None:
    today.register(
        today.Card(
            "duty.my_shift",
            _("My duty shift today"),
            "duty:today",
            my_count,
            has_shift_today,
            "person-badge",
            12,
        ),
        today.Card(
            "duty.missed",
            _("Duty shifts not taken over"),
            "duty:roster",
            missed_count,
            school_manager,
            "person-exclamation",
            21,
        ),
        today.Card(
            "duty.swaps",
            _("Shift swaps to approve"),
            "duty:swaps",
            swaps_count,
            school_manager,
            "arrow-left-right",
            22,
        ),
    )
    nav.register(
        nav.Item(
            "duty:roster",
            _("Duty rosters"),
            "calendar-week",
            (Perm.VIEW_DUTIES, Perm.RECORD_TALKS),  # every school staff member may stand a shift
            group="duties",
            order=20,
        ),
    )
