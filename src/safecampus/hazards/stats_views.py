"""Hazard statistics page (mounted at /hazards/stats/, namespace `hazard_stats`): a unit's
totals and rates, its split by status, grade, category and source, the trend by month, the
ranking of its child units with drill-down, and Excel exports of the tables.

Every view reads its unit through `stats_access.place` (404 alike for missing and not yours).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.excel import Sheet, export_filename, xlsx_response
from safecampus.risks.models import Category

from . import stats_access, stats_tables
from .figures import Window, breakdown, month_label
from .models import Grade, Source

DEFINITIONS = [
    (
        gettext_lazy("Reported"),
        gettext_lazy(
            "Hazards reported in the chosen months (all months when none are chosen); the other figures "
            "are of these hazards, in their current status."
        ),
    ),
    (
        gettext_lazy("Valid"),
        gettext_lazy("Reported minus those found not to be hazards (not yet reviewed ones count)."),
    ),
    (gettext_lazy("Rectification rate"), gettext_lazy("Closed ÷ valid.")),
    (
        gettext_lazy("On-time rate"),
        gettext_lazy(
            "Closed on time ÷ closed with a deadline. On time: the rectification that was verified was "
            "submitted on or before the deadline day. Fixes on the spot have no deadline and are left out."
        ),
    ),
    (
        gettext_lazy("Overdue"),
        gettext_lazy("Being rectified (assigned or rectifying) with the deadline before today."),
    ),
    (
        gettext_lazy("Closures"),
        gettext_lazy("In the trend: hazards closed in each month, whenever reported."),
    ),
]


def _read(request: HttpRequest) -> tuple[Any, Window, list[str]]:
    errors: list[str] = []
    code = (request.GET.get("unit") or "").strip()[:64]
    place = stats_access.place(request.user, code or None)
    return place, stats_access.window(request.GET, errors), errors


def _query(place: Any, window: Window, **over: Any) -> str:
    params: dict[str, Any] = {"unit": place.unit.code, **stats_access.window_params(window), **over}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _crumbs(user: Any, place: Any, window: Window) -> list[dict[str, Any]]:
    url = reverse("hazard_stats:dashboard")
    out = []
    for unit in [*place.unit.get_ancestors(), place.unit]:
        link = f"{url}?{_query(place, window, unit=unit.code)}" if stats_access.may_view(user, unit) else None
        out.append({"label": unit.name, "url": link})
    return out


def _chart(b: Any, ranking: list, labels: dict[str, str]) -> dict[str, Any]:
    def pct(x: float | None) -> float | None:
        return None if x is None else round(x * 100, 1)

    return {
        "labels": labels,
        "trend": [
            {
                "month": month_label(m),
                "reported": s.reported,
                "closures": s.closures,
                "rate": pct(s.rectification_rate),
            }
            for m, s in b.by_month.items()
        ],
        "children": [
            {"name": r.unit.name, "rate": pct(r.s.rectification_rate), "on_time": pct(r.s.on_time_rate)}
            for r in ranking
        ],
    }


def _sort_links(place: Any, window: Window, sort: str) -> list[dict[str, Any]]:
    out = []
    for key, label, cls in stats_tables.COLUMNS:
        active, desc = sort.lstrip("-") == key, sort.startswith("-")
        nxt = (key if desc else f"-{key}") if active else (key if key == "name" else f"-{key}")
        out.append(
            {
                "key": key,
                "label": label,
                "cls": cls,
                "active": active,
                "desc": desc,
                "url": "?" + _query(place, window, sort=nxt) + "#ranking",
            }
        )
    return out


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    place, window, errors = _read(request)
    for text in errors:
        messages.warning(request, text)
    b = breakdown(place.unit, window)
    sort = request.GET.get("sort") or "-rectification_rate"
    if sort.lstrip("-") not in stats_tables.SORT_KEYS:
        sort = "-rectification_rate"
    ranking = stats_tables.ranking(place.unit, window, sort)
    url = reverse("hazard_stats:dashboard")
    for r in ranking:
        r.url = f"{url}?{_query(place, window, unit=r.unit.code)}"
    labels = {
        "reported": _("Reported"),
        "closures": _("Closures"),
        "rate": _("Rectification rate"),
        "on_time": _("On-time rate"),
    }
    ctx = {
        "place": place,
        "window": window,
        "breadcrumbs": [*_crumbs(request.user, place, window), {"label": _("Hazard statistics")}],
        "totals": b.totals,
        "statuses": stats_tables.status_rows(b.totals),
        "splits": stats_tables.split_rows(b),
        "ranking": ranking,
        "columns": _sort_links(place, window, sort),
        "chart": _chart(b, ranking, labels),
        "query": _query(place, window),
        "grades": Grade.choices,
        "categories": Category.choices,
        "sources": Source.choices,
        "from_value": stats_access.window_params(window).get("from", ""),
        "to_value": stats_access.window_params(window).get("to", ""),
        "definitions": DEFINITIONS,
        "today": timezone.localdate(),
    }
    return render(request, "hazards/stats.html", ctx)


def _xlsx(
    title: str, place: Any, window: Window, header: list[str], rows: Any, kind: str
) -> StreamingHttpResponse:
    preface = [[_("Place"), place.unit.name]]
    params = stats_access.window_params(window)
    if params:
        preface.append([_("Filters"), ", ".join(f"{k}={v}" for k, v in params.items())])
    preface.append([_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    sheet = Sheet(title=title, caption=title, header=header, rows=rows, preface=preface)
    return xlsx_response(export_filename(kind, place.unit.code), [sheet])


@login_required
def export_tables(request: HttpRequest) -> StreamingHttpResponse:
    place, window, _errors = _read(request)
    rows = stats_tables.tables_rows(breakdown(place.unit, window))
    return _xlsx(_("Hazard statistics"), place, window, stats_tables.tables_header(), rows, "hazards")


@login_required
def export_children(request: HttpRequest) -> StreamingHttpResponse:
    place, window, _errors = _read(request)
    rows = stats_tables.children_rows(stats_tables.ranking(place.unit, window))
    return _xlsx(_("Hazards by unit"), place, window, stats_tables.children_header(), rows, "hazards-units")
