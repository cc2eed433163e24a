"""Shifts not taken over (未接班): every five minutes a planned shift whose start plus the policy's
grace (`duty.grace_minutes`) has passed is marked missed through the transition table, and the
school's safety office and principal get an inbox message (once per shift: dedupe key); the
"today" card shows them. One audit event per school and run names the shifts. Reads settle the
shifts they show the same way first (`settle`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from safecampus.core import audit
from safecampus.core.models import Membership
from safecampus.core.roles import Role

from . import times
from .models import SHIFT_TRANSITIONS, Shift, ShiftStatus

CHUNK = 500
ALERTED = (Role.SAFETY_STAFF, Role.PRINCIPAL)


def _alert(shifts: list[Shift]) -> int:
    from django.urls import NoReverseMatch, reverse

    from safecampus.inbox.models import NotificationKind
    from safecampus.inbox.services import notify

    by_unit: dict[int, set[int]] = defaultdict(set)
    rows = Membership.objects.filter(
        unit_id__in={s.unit_id for s in shifts}, role__in=ALERTED, is_active=True, user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        by_unit[unit_id].add(user_id)
    sent = 0
    for s in shifts:
        try:
            link = reverse("duty:shift", args=[s.pk])
        except NoReverseMatch:
            link = ""
        sent += notify(
            by_unit.get(s.unit_id, set()),
            kind=NotificationKind.MESSAGE,
            title=gettext_noop("Duty shift not taken over: %(person)s"),
            body=gettext_noop("%(person)s has not taken over the %(kind)s of %(when)s at %(school)s."),
            params={
                "person": s.person.name,
                "kind": str(s.get_kind_display()),
                "school": s.unit.name,
                "when": f"{timezone.localtime(s.start):%Y-%m-%d %H:%M}",
            },
            link=link,
            dedupe_key=f"duty-shift:{s.pk}:missed",
            unit=s.unit,
        )
    return sent


def mark_missed(now: dt.datetime | None = None, *, shifts: QuerySet[Shift] | None = None) -> int:
    """Planned shifts past start + grace become missed; the school's safety office is alerted.
    Returns how many moved."""
    now = now or timezone.now()
    qs = (Shift.objects.all() if shifts is None else shifts).filter(status=ShiftStatus.PLANNED, start__lt=now)
    sources, target = SHIFT_TRANSITIONS["miss"]
    moved, after = 0, 0
    policies: dict[int, dt.timedelta] = {}
    while True:
        with transaction.atomic():
            chunk = list(
                qs.filter(pk__gt=after)
                .select_related("unit", "person")
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))[:CHUNK]
            )
            if not chunk:
                return moved
            after = chunk[-1].pk
            for s in chunk:
                if s.unit_id not in policies:
                    policies[s.unit_id] = times.grace(s.unit)
            due = [s for s in chunk if s.start + policies[s.unit_id] <= now]
            if due:
                ids = [s.pk for s in due]
                moved += Shift.objects.filter(pk__in=ids, status__in=sources).update(
                    status=target, missed_at=now, updated_at=now
                )
                by_unit: dict[int, list[Shift]] = defaultdict(list)
                for s in due:
                    by_unit[s.unit_id].append(s)
                for group in by_unit.values():
                    names = [
                        f"{s.pk} {s.person.name} {timezone.localtime(s.start):%Y-%m-%d %H:%M}" for s in group
                    ]
                    audit.record(None, "duty.missed", unit=group[0].unit, after={"shifts": names})
                _alert(due)
        if len(chunk) < CHUNK:
            return moved


def settle(shifts: QuerySet[Shift]) -> int:
    """Before a read: the shifts among `shifts` past start + grace and not taken over are missed."""
    return mark_missed(shifts=shifts)
