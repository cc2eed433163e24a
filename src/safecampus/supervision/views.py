"""Supervision pages: the overview of a bureau's area, a school's page, and the panel the hazard
page includes. Reads go through `supervision.queries`; writes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core import ranking
from safecampus.core.models import Unit, UnitKind
from safecampus.hazards.models import Hazard

from . import queries, summary
from .models import Interview, Letter, LetterStatus, ListedSupervision, ListingStatus, Sanction

RECENT = 50
AREA_RECENT = 15  # a bureau's overview shows the nearest few of each list, with the totals


def crumbs(unit: Unit | None = None, *extra: dict) -> list[dict]:
    out = [{"label": _("Supervision"), "url": reverse("supervision:home")}]
    if unit is not None:
        name = "overview" if unit.kind != UnitKind.SCHOOL else "school"
        out.append({"label": unit.name, "url": reverse(f"supervision:{name}", args=[unit.pk])})
    return [*out, *extra]


def with_days_left(listings: Any) -> list[ListedSupervision]:
    today = timezone.localdate()
    rows = list(listings)
    for row in rows:
        row.days_left = (row.deadline - today).days
        row.days_over = max(0, -row.days_left)
    return rows


def choose_school(request: HttpRequest, action: str, title: str, **hidden: str) -> HttpResponse:
    """The first step of a supervision form: search the school (never a list of every school of
    the area); each match links to `action?school=<id>` with `hidden` kept."""
    home = queries.home_unit(request.user)
    if home is None or not queries.can_supervise(request.user, home):
        raise Http404
    keep = {k: v for k, v in hidden.items() if v}

    def link(school: Unit) -> str:
        return f"{action}?{urlencode({**keep, 'school': school.pk})}"

    return render(request, "supervision/choose_school.html", {
        "title": title, "breadcrumbs": crumbs(home, {"label": title}),
        **ranking.search_context(request, request.user, home, link, **keep),
    })  # fmt: skip


def area_lists(user: Any, unit: Unit, recent: int = RECENT) -> dict[str, Any]:
    """What is going on in `unit`'s area (or at the school): active listings, open letters,
    replies to review, recent interviews and sanctions — the `recent` first of each, with the
    totals of the two lists that count (listed hazards, open letters)."""

    def area(model: Any) -> Any:
        return summary.in_area(user, model, unit).select_related("unit", "bureau")

    # the letters' hazards as the lists show them: their numbers (from the id) only
    letters = area(Letter).prefetch_related(Prefetch("hazards", Hazard.objects.only("id")))
    listed = area(ListedSupervision).filter(status=ListingStatus.LISTED)
    open_letters = letters.exclude(status=LetterStatus.CLOSED)
    return {
        "listings": with_days_left(listed.select_related("hazard").order_by("deadline", "id")[:recent]),
        "listings_total": listed.count(),
        "open_letters": list(open_letters.order_by("deadline")[:recent]),
        "open_letters_total": summary.in_area(user, Letter, unit).exclude(status=LetterStatus.CLOSED).count(),
        "closed_letters": list(letters.filter(status=LetterStatus.CLOSED)[:recent]),
        "interviews": list(area(Interview).select_related("hazard")[:recent]),
        "sanctions": list(area(Sanction).select_related("hazard")[:recent]),
        "today": timezone.localdate(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = queries.home_unit(request.user)
    if unit is None:
        raise Http404
    if unit.kind == UnitKind.SCHOOL:
        return redirect("supervision:school", unit.pk)
    return redirect("supervision:overview", unit.pk)


def _year(request: HttpRequest) -> int | None:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


@login_required
def overview(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A bureau's area: the year's counts, listed hazards with days left, letters and replies."""
    unit = queries.readable_unit(request.user, unit_id)
    if unit.kind == UnitKind.SCHOOL:
        return redirect("supervision:school", unit.pk)
    supervise = queries.can_supervise(request.user, unit)
    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).exclude(
        kind__in=[UnitKind.DEPARTMENT, UnitKind.SCHOOL]  # schools: searched, not listed
    )
    return render(
        request,
        "supervision/overview.html",
        {
            "unit": unit,
            "summary": summary.year_summary(request.user, unit, _year(request)),
            "years": summary.years(request.user, unit),
            "can_supervise": supervise,
            **ranking.search_context(request, request.user, unit, ranking.link_to("supervision:school")),
            "children": children.order_by("path"),
            "breadcrumbs": crumbs(unit),
            **area_lists(request.user, unit, AREA_RECENT),
        },
    )


@login_required
def school(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A school's letters (with the reply to give), its listed hazards, interviews and sanctions."""
    unit = queries.readable_unit(request.user, unit_id)
    if unit.kind != UnitKind.SCHOOL:
        return redirect("supervision:overview", unit.pk)
    return render(
        request,
        "supervision/school.html",
        {
            "unit": unit,
            "can_supervise": queries.can_supervise(request.user, unit),
            "breadcrumbs": crumbs(unit),
            **area_lists(request.user, unit),
        },
    )


def hazard_panel_context(user: Any, hazard: Hazard) -> dict[str, Any]:
    """For `supervision/_hazard_panel.html` on the hazard's page: its active listing, the letters
    naming it, and the bureau's buttons. Empty lists for people who do not read supervision."""
    listings = ListedSupervision.objects.visible_to(user).filter(hazard=hazard).select_related("bureau")
    active = next((x for x in with_days_left(listings) if x.status == ListingStatus.LISTED), None)
    supervise = queries.can_supervise(user, hazard.unit)
    return {
        "sup_hazard": hazard,
        "sup_listing": active,
        "sup_letters": list(queries.letters_naming(user, hazard).select_related("bureau")),
        "sup_can_supervise": supervise,
        "sup_can_list": supervise and active is None and hazard.is_major and hazard.is_open,
        "sup_readable": queries.can_read(user, hazard.unit),
    }
