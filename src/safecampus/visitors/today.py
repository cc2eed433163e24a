"""Today cards: bookings waiting for the host's decision; visitors inside for the gate (after the
school's closing time, those still inside)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.models import UnitKind
from safecampus.core.roles import Perm

from . import queries


def _gate_school(user: Any, active: Any) -> Any:
    if active is not None:
        unit = active.unit
        return unit if unit.kind == UnitKind.SCHOOL and access.holds_at(user, Perm.WORK_GATE, unit) else None
    unit = access.home_unit(user, Perm.WORK_GATE)
    return unit if unit is not None and unit.kind == UnitKind.SCHOOL else None


def _works_gate(user: Any, active: Any) -> bool:
    return _gate_school(user, active) is not None


def _inside(user: Any, active: Any) -> int:
    school = _gate_school(user, active)
    return queries.inside(user, school).count() if school is not None else 0


def _hosts(user: Any, active: Any) -> bool:
    return access.holds_anywhere(user, Perm.HOST_VISITS, bureau=False)


def register() -> None:
    today.register(
        today.Card(
            "visitors.to_decide",
            _("Visitor bookings to approve"),
            lambda user, active: reverse("visitors:mine") + "?status=pending",
            lambda user, active: queries.to_decide(user).count(),
            _hosts,
            "person-check",
            30,
        ),
        today.Card(
            "visitors.inside",
            _("Visitors inside"),
            lambda user, active: reverse("visitors:desk"),
            _inside,
            _works_gate,
            "door-open",
            31,
        ),
    )
