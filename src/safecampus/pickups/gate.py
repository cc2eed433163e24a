"""What pickups contribute to the gate: their entries in the gate log, a desk lookup by a pupil's
student number, the "today" card and the navigation entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core import access, nav, today
from safecampus.core.models import UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.roster.models import Student, StudentStatus
from safecampus.visitors import desk, gatelog

from .models import Pickup


def log_source(user: Any, school: Any, day: dt.date) -> Iterable[gatelog.LogEntry]:
    rows = (
        Pickup.objects.visible_to(user)
        .filter(unit=school, day=day)
        .select_related("student__school_class__grade")
        .order_by("at", "id")
    )
    for p in rows:
        detail = f"{p.person_name} {p.relation}".strip()
        if not p.allowed:
            detail = f"{detail} · {_('Refused')}: {p.get_refusal_display()}"
        yield gatelog.LogEntry(
            at=p.at,
            kind="pickup" if p.allowed else "pickup_refused",
            kind_label=_("Pickup") if p.allowed else _("Pickup refused"),
            who=p.student.name,
            detail=detail,
            direction="out" if p.allowed else "",
            url=reverse("pickups:pupil", args=[p.student_id]),
        )


def desk_lookup(user: Any, school: Any, code: str) -> str | None:
    """A pupil's student number typed or scanned at the desk opens the pupil's pickup page."""
    if not access.holds_at(user, Perm.WORK_GATE, school):
        return None
    student = Student.objects.with_student_no(code).filter(unit=school, status=StudentStatus.ENROLLED).first()
    return reverse("pickups:pupil", args=[student.pk]) if student else None


def _teaches(user: Any, active: Any) -> bool:
    return active is not None and active.role == Role.HEAD_TEACHER


def _refused_today(user: Any, active: Any) -> int:
    if active is None or active.unit.kind != UnitKind.SCHOOL:
        return 0
    return (
        Pickup.objects.visible_to(user)
        .filter(unit_path__startswith=active.unit.path, day=timezone.localdate(), allowed=False)
        .count()
    )


def register() -> None:
    gatelog.register(log_source)
    desk.register_lookup(desk_lookup)
    who = (Perm.WORK_GATE, Role.PARENT, _teaches)
    nav.register(
        nav.Item("pickups:home", gettext_lazy("Pickups"), "people-fill", who, group="security", order=30)
    )
    today.register(
        today.Card(
            "pickups.refused",
            gettext_lazy("Pickups refused today"),
            "pickups:home",
            count=_refused_today,
            who=(Perm.WORK_GATE, _teaches),
            icon="x-octagon",
            order=45,
        )
    )
