"""The letters' "today" cards: a post holder whose letter of this school year is due to sign;
for a school's principal and safety office, the posts of the school still unsigned; for a
bureau's managers, the principals' signed letters below them still to countersign."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.roles import Perm, role_allows

from . import queries


def due_count(user: Any, active: Any) -> int:
    return queries.my_posts(user).filter(current_text__isnull=False, current_signature__isnull=True).count()


def _schools(user: Any, active: Any) -> list[int]:
    if active is not None:
        unit = active.unit
        return [unit.pk] if not unit.is_bureau and role_allows(active.role, Perm.MANAGE_DUTIES) else []
    return [m.unit_id for m in access.memberships(user, Perm.MANAGE_DUTIES, bureau=False)]


def school_manager(user: Any, active: Any) -> bool:
    return bool(_schools(user, active))


def unsigned_count(user: Any, active: Any) -> int:
    schools = _schools(user, active)
    if not schools:
        return 0
    return queries.unsigned(schools).count()


def unsigned_url(user: Any, active: Any) -> str:
    return reverse("responsibility:school")


def _bureau(user: Any, active: Any) -> Any:
    if active is not None:
        unit = active.unit
        return unit if unit.is_bureau and role_allows(active.role, Perm.MANAGE_DUTIES) else None
    units = access.member_units(user, Perm.MANAGE_DUTIES, bureau=True)
    return min(units, key=lambda u: (u.depth, u.path)) if units else None


def countersign_count(user: Any, active: Any) -> int:
    unit = _bureau(user, active)
    return queries.to_countersign(user, unit).count() if unit is not None else 0


def bureau_manager(user: Any, active: Any) -> bool:
    return _bureau(user, active) is not None


def countersign_url(user: Any, active: Any) -> str:
    return reverse("responsibility:stats") + "#to-countersign"


def register() -> None:
    today.register(
        today.Card(
            "responsibility.due",
            _("Responsibility letter to sign"),
            "responsibility:home",
            due_count,
            Perm.SIGN_LETTERS,
            "pen",
            24,
        ),
        today.Card(
            "responsibility.unsigned",
            _("Responsibility letters not signed yet"),
            unsigned_url,
            unsigned_count,
            school_manager,
            "file-earmark-x",
            25,
        ),
        today.Card(
            "responsibility.countersign",
            _("Principals' letters to countersign"),
            countersign_url,
            countersign_count,
            bureau_manager,
            "patch-check",
            27,
        ),
    )
