"""The read side of term plans, always through the access layer (404 alike for missing and
forbidden), and the month's theme for the 1530 talks (`theme_for`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.core.months import month_key
from safecampus.core.places import id_param
from safecampus.core.roles import Perm

from . import templates
from .models import ItemStatus, MonthTheme, PlanItem, PlanStatus, TermPlan

PERM = Perm.VIEW_DUTIES


def plans(user: Any) -> QuerySet[TermPlan]:
    return TermPlan.objects.visible_to(user, PERM)


def with_progress(qs: QuerySet[TermPlan]) -> QuerySet[TermPlan]:
    """Plans with `n_items`, `n_done` (summarised included) and `n_summarised`."""
    return qs.annotate(
        n_items=Count("items"),
        n_done=Count("items", filter=Q(items__status__in=(ItemStatus.DONE, ItemStatus.SUMMARISED))),
        n_summarised=Count("items", filter=Q(items__status=ItemStatus.SUMMARISED)),
    )


def plan_for(user: Any, plan_id: Any) -> TermPlan:
    plan = plans(user).select_related("unit", "template").filter(pk=id_param(plan_id)).first()
    if plan is None:
        raise Http404
    return plan


def item_for(user: Any, item_id: Any) -> PlanItem:
    item = (
        PlanItem.objects.visible_to(user, PERM)
        .select_related("plan", "unit", "done_by", "summarised_by", "schedule")
        .filter(pk=id_param(item_id))
        .first()
    )
    if item is None:
        raise Http404
    return item


def theme_row_for(user: Any, theme_id: Any) -> MonthTheme:
    theme = (
        MonthTheme.objects.filter(pk=id_param(theme_id), plan__in=plans(user))
        .select_related("plan__unit")
        .first()
    )
    if theme is None:
        raise Http404
    return theme


def plan_of_term(unit: Unit, key: int) -> TermPlan | None:
    """The school's plan of a term (not scoped: the caller resolved the unit for the user)."""
    return TermPlan.objects.filter(unit=unit, term_key=key).first()


def current_plan(unit: Unit, *, today: dt.date | None = None) -> TermPlan | None:
    """The school's plan of its current term (see `services.term_of`)."""
    from .services import term_of

    term = term_of(unit, today=today)
    return plan_of_term(unit, templates.term_key(term)) if term else None


def theme_for(unit: Unit, day: dt.date) -> str | None:
    """This month's theme of the school's published plan on `day` (in the request's language),
    None when the school has none (the 1530 talks suggest a topic from it)."""
    theme = (
        MonthTheme.objects.filter(
            plan__unit_id=getattr(unit, "pk", unit),
            plan__status=PlanStatus.PUBLISHED,
            plan__term_start__lte=day,
            plan__term_end__gte=day,
            month=month_key(day),
        )
        .only("theme", "theme_en")
        .first()
    )
    return theme.text if theme is not None and theme.text else None


def months(plan: TermPlan) -> list[dict[str, Any]]:
    """The plan month by month: [{"month", "first" (its first day), "theme" (MonthTheme or None),
    "items", "done" (how many of them)}]."""
    themes = {t.month: t for t in plan.themes.all()}
    items: dict[int, list[PlanItem]] = {}
    for item in plan.items.select_related("schedule").order_by("planned_on", "order", "id"):
        items.setdefault(item.month, []).append(item)
    keys = sorted(set(themes) | set(items))
    out = []
    for m in keys:
        rows = items.get(m, [])
        out.append({"month": m, "first": dt.date(m // 100, m % 100, 1), "theme": themes.get(m), "items": rows,
                    "done": sum(1 for i in rows if i.is_done)})  # fmt: skip
    return out


def open_this_month(units: list[int], *, today: dt.date | None = None) -> QuerySet[PlanItem]:
    """This month's planned items not done yet, at the schools named (ids)."""
    today = today or timezone.localdate()
    return PlanItem.objects.filter(unit_id__in=units, month=month_key(today), status=ItemStatus.PLANNED,
                                   plan__term_start__lte=today, plan__term_end__gte=today)  # fmt: skip
