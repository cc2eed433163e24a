"""Samples for the tenancy walk: demo-c1-k1-s1's term plan (made for the walk when the demo step
is off), its first item and first month's theme."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.termplan import queries, services
from safecampus.termplan.models import MonthTheme, PlanItem


def _plan():
    school = Unit.objects.get(code="demo-c1-k1-s1")
    plan = queries.current_plan(school)
    if plan is None:
        plan = services.create_plan(school, actor=User.objects.get(username="demo_principal"))
    return plan


def term_plan_id() -> int:
    return _plan().pk


def plan_item_id() -> int:
    return PlanItem.objects.filter(plan=_plan()).order_by("planned_on", "id").first().pk


def month_theme_id() -> int:
    return MonthTheme.objects.filter(plan=_plan()).order_by("month").first().pk
