"""The hazard ledger (隐患台账) of a unit's subtree with its Excel export, and a bureau's overdue
board (逾期隐患) sorted by days overdue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core import ranking
from safecampus.core.access import scope_paths
from safecampus.core.models import UnitKind
from safecampus.core.roles import Perm
from safecampus.risks.models import Category
from safecampus.risks.register_views import _xlsx
from safecampus.risks.registers import filename, preface

from . import ledger, queries
from .models import Grade, Source, Status
from .views import PER_PAGE, home_crumb, with_late


def _crumbs(user, unit, *extra: dict) -> list[dict]:
    """Hazard ledgers up the tree; units above the user's hazard scope are shown without a link."""
    paths = scope_paths(user, Perm.VIEW_HAZARDS)
    crumbs = [home_crumb()]
    for node in [*unit.get_ancestors(), unit]:
        linked = (user.is_superuser or any(node.path.startswith(p) for p in paths)) and (
            node != unit or extra
        )
        crumbs.append(
            {"label": node.name, "url": reverse("hazards:ledger", args=[node.pk]) if linked else None}
        )
    return [*crumbs, *extra]


@login_required
def ledger_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.visible_unit(request.user, unit_id)
    today = timezone.localdate()
    filters = ledger.Filters.from_query(request.GET)
    qs = ledger.ledger(request.user, unit, filters, today)
    total = None if unit.kind == UnitKind.SCHOOL else ledger.area_total(unit, filters)
    page = ranking.paginator(qs, PER_PAGE, total).get_page(request.GET.get("page"))
    if unit.kind == UnitKind.SCHOOL:
        counts = queries.in_unit(request.user, unit).aggregate(
            open=Count("pk", filter=Q(status__in=ledger.OPEN_STATUSES)),
            overdue=Count("pk", filter=ledger.overdue_q(today)),
            major=Count("pk", filter=Q(status__in=ledger.OPEN_STATUSES, grade=Grade.MAJOR)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
        )
    else:  # a bureau's area: from the statistics' cells, not a scan of its hazards
        [counts] = ledger.area_figures([unit], today)
    return render(
        request,
        "hazards/ledger.html",
        {
            "unit": unit,
            "page": page,
            "rows": with_late(page.object_list),
            "counts": counts,
            "filters": filters,
            "query": urlencode(filters.as_query()),
            "statuses": Status.choices,
            "grades": Grade.choices,
            "categories": Category.choices,
            "sources": Source.choices,
            "show_school": unit.kind != UnitKind.SCHOOL,
            "is_bureau": unit.kind != UnitKind.SCHOOL,
            "breadcrumbs": _crumbs(request.user, unit, {"label": _("Hazard ledger")}),
            **(
                ranking.search_context(request, request.user, unit, ranking.link_to("hazards:ledger"))
                if unit.kind != UnitKind.SCHOOL
                else {}
            ),
        },
    )


@login_required
def ledger_xlsx(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    """The ledger with the page's filters as an Excel workbook."""
    unit = queries.visible_unit(request.user, unit_id)
    today = timezone.localdate()
    filters = ledger.Filters.from_query(request.GET)
    qs = ledger.ledger(request.user, unit, filters, today)
    return _xlsx(
        filename("hazard-ledger", unit),
        f"{unit.name} {_('Hazard ledger')}",
        ledger.export_header(),
        ledger.export_rows(qs.iterator(chunk_size=500), today),
        preface(unit, filters.as_query()),
    )


@login_required
def overdue(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Overdue hazards escalated to this bureau's level, the longest overdue first."""
    unit = queries.visible_unit(request.user, unit_id)
    qs = (
        queries.overdue_board(request.user, unit)
        .select_related("unit", "rectifier", "reported_by")
        .order_by("deadline", "id")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/overdue.html",
        {
            "unit": unit,
            "page": page,
            "rows": with_late(page.object_list),
            "breadcrumbs": _crumbs(request.user, unit, {"label": _("Overdue board")}),
        },
    )
