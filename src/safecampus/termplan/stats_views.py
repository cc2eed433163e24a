"""The county page of term plans (/termplan/stats/?unit=CODE): the unit's schools, whether each
has a plan for the current term and how far it is (items done / planned, summarised), from the
`termplans` roll-up (one grouped read of the children) — a school's row links to its plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core import ranking
from safecampus.core.errors import Invalid
from safecampus.core.places import default_place, place_for
from safecampus.core.roles import Perm

from . import stats
from .models import TermPlan

PERM = Perm.VIEW_DUTIES


def resolve(user: Any, code: str | None) -> Any:
    """The unit named (404 alike for missing and not yours), or the user's highest one."""
    if code:
        return place_for(user, code, perm=PERM).unit
    return default_place(user, PERM).unit


def term_label(key: int | None) -> str:
    if key is None:
        return ""
    year = key // 10
    kind = _("autumn term") if key % 10 == 1 else _("spring term")
    return f"{year}–{year + 1} {kind}"


def worst_first(row: dict[str, Any]) -> tuple:
    t = row["t"]
    return (max(t.schools - t.plans, 0), round((1 - (t.rate or 0)) * 1000), t.items, 1)  # 1: always listed


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("unit") or "").strip()[:64]
    unit = resolve(request.user, code or None)
    try:
        key = stats.term_key_of(unit, request.GET.get("term"))
    except Invalid as exc:
        messages.warning(request, str(exc.message))
        key = stats.term_key_of(unit)
    children = stats.child_units(unit) if unit.is_bureau else []
    figures = stats.read([unit, *children], key)
    url = reverse("termplan:stats")
    plans = {}
    schools = [c for c in children if not c.is_bureau]
    if schools and key is not None:
        plans = dict(TermPlan.objects.filter(unit__in=schools, term_key=key).values_list("unit_id", "pk"))
    rows = []
    for c in children:
        link = (
            (reverse("termplan:plan", args=[plans[c.pk]]) if c.pk in plans else None)
            if not c.is_bureau
            else f"{url}?{urlencode({'unit': c.code, 'term': key or ''})}"
        )
        rows.append({"unit": c, "t": figures[c.pk], "url": link, "has_plan": c.pk in plans})
    ranked = ranking.rank(request, rows, worst_first) if children else None
    return render(request, "termplan/stats.html", {
        "unit": unit, "totals": figures[unit.pk], "ranked": ranked, "term_key": key, "term": term_label(key),
        "today": timezone.localdate(), "query": urlencode({"unit": unit.code, "term": key or ""}),
        "breadcrumbs": [*({"label": u.name} for u in unit.get_ancestors()), {"label": unit.name},
                        {"label": _("Term safety plans")}],
    })  # fmt: skip
