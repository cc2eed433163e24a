"""The register's "today" cards: for the school's managers, equipment failed or due a test; for
a bureau, its schools not meeting all three 100%."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.models import UnitKind

from . import board
from .models import Equipment, State, Status
from .perms import MANAGE, VIEW
from .status import defence_policy, derive


def _school_counts(user: Any) -> dict[str, int]:
    def compute() -> dict[str, int]:
        unit = access.home_unit(user, MANAGE)
        out = {Status.FAILED: 0, Status.DUE: 0}
        if unit is None:
            return out
        rules, day = defence_policy(unit), timezone.localdate()
        for item in Equipment.objects.visible_to(user, MANAGE).filter(state=State.IN_SERVICE):
            status = derive(item, rules, day)
            if status in out:
                out[status] += 1
        return out

    return today.shared(f"defence.counts.{getattr(user, 'pk', 0)}", compute)


def keeps_register(user: Any, active: Any) -> bool:
    return (
        active is not None
        and active.unit.kind == UnitKind.SCHOOL
        and access.holds_at(user, MANAGE, active.unit)
    )


def bureau(user: Any, active: Any) -> bool:
    return active is not None and active.unit.is_bureau and access.holds_at(user, VIEW, active.unit)


def _register_url(status: str):
    def url(user: Any, active: Any) -> str:
        unit = access.home_unit(user, MANAGE)
        base = reverse("defence:unit", args=[unit.pk]) if unit is not None else reverse("defence:home")
        return f"{base}?status={status}"

    return url


def _short(user: Any, active: Any) -> int:
    unit = active.unit if active is not None else access.home_unit(user, VIEW, highest=True)
    return board.row(unit).short if unit is not None else 0


def _board_url(user: Any, active: Any) -> str:
    unit = active.unit if active is not None else access.home_unit(user, VIEW, highest=True)
    return reverse("defence:board") + (f"?unit={unit.code}&short=1" if unit is not None else "")


def register() -> None:
    today.register(
        today.Card(
            "defence.failed",
            _("Defence equipment failed"),
            _register_url(Status.FAILED),
            lambda user, active: _school_counts(user)[Status.FAILED],
            keeps_register,
            "shield-exclamation",
            45,
        ),
        today.Card(
            "defence.due",
            _("Defence equipment due a test"),
            _register_url(Status.DUE),
            lambda user, active: _school_counts(user)[Status.DUE],
            keeps_register,
            "shield",
            46,
        ),
        today.Card(
            "defence.short",
            _("Schools short of the three 100%"),
            _board_url,
            _short,
            bureau,
            "shield-lock",
            47,
        ),
    )
