"""The guards' "today" cards for school managers (who keep the register): certificates expiring
within the policy's days, and the school short of guards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.models import UnitKind

from .services import MANAGE
from .staffing import Staffing, staffing_for


def keeps_register(user: Any, active: Any) -> bool:
    return (
        active is not None
        and active.unit.kind == UnitKind.SCHOOL
        and access.holds_at(user, MANAGE, active.unit)
    )


def _school(user: Any, active: Any) -> Any:
    """The school whose register the cards count: the active membership's, else the first one
    where the user keeps a register."""
    unit = active.unit if active is not None else access.home_unit(user, MANAGE)
    return unit if unit is not None and unit.kind == UnitKind.SCHOOL else None


def _staffing(user: Any, active: Any) -> Staffing | None:
    school = _school(user, active)
    if school is None or not access.holds_at(user, MANAGE, school):
        return None
    return today.shared(f"guards.staffing.{school.pk}", lambda: staffing_for(school))


def _url(user: Any, active: Any) -> str:
    school = _school(user, active)
    return reverse("guards:unit", args=[school.pk]) if school is not None else reverse("guards:home")


def register() -> None:
    today.register(
        today.Card(
            "guards.expiring",
            _("Guard certificates expiring"),
            _url,
            lambda user, active: s.expiring if (s := _staffing(user, active)) else 0,
            keeps_register,
            "hourglass-split",
            45,
        ),
        today.Card(
            "guards.short",
            _("Guards short of the staffing policy"),
            _url,
            lambda user, active: s.short if (s := _staffing(user, active)) else 0,
            keeps_register,
            "shield-exclamation",
            46,
        ),
    )
