"""The term plans' "today" cards: for a school's safety office, principal and administrator, this
month's planned items not done yet; for a bureau, its schools without a plan this term (from the
`termplans` cells and the count of schools: two queries)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.roles import Perm, role_allows

from . import queries, stats

MANAGE = Perm.MANAGE_DUTIES


def school_manager(user: Any, active: Any) -> bool:
    if active is None:
        return bool(access.memberships(user, MANAGE, bureau=False))
    return not active.unit.is_bureau and role_allows(active.role, MANAGE)


def open_count(user: Any, active: Any) -> int:
    schools = [m.unit_id for m in access.memberships(user, MANAGE, bureau=False)]
    if active is not None:
        schools = [s for s in schools if s == active.unit_id]
    return queries.open_this_month(schools).count() if schools else 0


def _bureau_unit(user: Any, active: Any) -> Any:
    if active is not None:
        unit = active.unit
        return unit if unit.is_bureau and access.holds_at(user, Perm.VIEW_DUTIES, unit) else None
    units = access.member_units(user, Perm.VIEW_DUTIES, bureau=True)
    return min(units, key=lambda u: (u.depth, u.path)) if units else None


def is_bureau_reader(user: Any, active: Any) -> bool:
    return _bureau_unit(user, active) is not None


def without_plan(user: Any, active: Any) -> int:
    unit = _bureau_unit(user, active)
    if unit is None:
        return 0

    def compute() -> int:
        t = stats.read_one(unit, stats.term_key_of(unit))
        return max(t.schools - t.plans, 0)

    return today.shared(f"termplan.without.{unit.pk}", compute)


def without_plan_url(user: Any, active: Any) -> str:
    unit = _bureau_unit(user, active)
    base = reverse("termplan:stats")
    return f"{base}?{urlencode({'unit': unit.code})}" if unit is not None else base


def register() -> None:
    today.register(
        today.Card("termplan.open_this_month", _("Term plan items due this month"), "termplan:home",
                   open_count, school_manager, "calendar-range", 34),
        today.Card("termplan.schools_without_plan", _("Schools without a term safety plan"), without_plan_url,
                   without_plan, is_bureau_reader, "calendar-x", 35),
    )  # fmt: skip
