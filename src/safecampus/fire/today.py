"""The register's "today" cards for the school's safety office (who keep the register): devices
expired, failed and not yet checked in this check window."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.models import UnitKind

from .models import FireDevice, State
from .perms import MANAGE
from .status import expired_q, fire_policy, unchecked_q


def _counts(user: Any) -> dict[str, int]:
    def compute() -> dict[str, int]:
        unit = access.home_unit(user, MANAGE)
        if unit is None:
            return {"expired": 0, "failed": 0, "unchecked": 0}
        day = timezone.localdate()
        rules = fire_policy(unit)
        qs = FireDevice.objects.visible_to(user, MANAGE).filter(state=State.IN_SERVICE)
        found = qs.aggregate(
            n_expired=Count("id", filter=expired_q(day)),
            n_failed=Count("id", filter=~expired_q(day) & Q(failed=True)),
            n_unchecked=Count("id", filter=unchecked_q(rules, day)),
        )
        return {k[2:]: v or 0 for k, v in found.items()}

    return today.shared(f"fire.counts.{getattr(user, 'pk', 0)}", compute)


def keeps_register(user: Any, active: Any) -> bool:
    """The cards are the school's (its safety office keeps the register); a bureau reads the
    register's figures on its area page, not as a count of every device of its area at home."""
    return (
        active is not None
        and active.unit.kind == UnitKind.SCHOOL
        and access.holds_at(user, MANAGE, active.unit)
    )


def _url(status: str):
    def url(user: Any, active: Any) -> str:
        unit = access.home_unit(user, MANAGE)
        base = reverse("fire:unit", args=[unit.pk]) if unit is not None else reverse("fire:home")
        return f"{base}?{status}"

    return url


def register() -> None:
    today.register(
        today.Card(
            "fire.expired",
            _("Fire devices expired"),
            _url("status=expired"),
            lambda user, active: _counts(user)["expired"] or 0,
            keeps_register,
            "fire",
            40,
        ),
        today.Card(
            "fire.failed",
            _("Fire devices failed"),
            _url("status=failed"),
            lambda user, active: _counts(user)["failed"] or 0,
            keeps_register,
            "fire",
            41,
        ),
        today.Card(
            "fire.unchecked",
            _("Fire devices not checked this month"),
            _url("unchecked=1"),
            lambda user, active: _counts(user)["unchecked"] or 0,
            keeps_register,
            "fire",
            42,
        ),
    )
