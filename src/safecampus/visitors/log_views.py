"""The gate log of one school and day (visits, pupils' exits, pickups — every source of
`visitors.gatelog`), its Excel export."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import excel
from safecampus.core.roles import Perm

from . import gatelog, queries
from .views import gate_school


def log_day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(str(request.GET.get("date") or ""))
    except ValueError:
        return timezone.localdate()


@login_required
def log_page(request: HttpRequest) -> HttpResponse:
    school = gate_school(request, Perm.VIEW_GATE)
    day = log_day(request)
    rows = gatelog.entries(request.user, school, day)
    return render(
        request,
        "visitors/log.html",
        {
            "school": school,
            "day": day,
            "rows": [(e, queries.direction_label(e.direction)) for e in rows],
            "count_in": sum(1 for e in rows if e.direction == "in"),
            "count_out": sum(1 for e in rows if e.direction == "out"),
            "inside": queries.inside(request.user, school).count(),
            "breadcrumbs": [{"label": _("Gate log")}],
        },
    )


@login_required
def log_export(request: HttpRequest) -> HttpResponse:
    school = gate_school(request, Perm.VIEW_GATE)
    day = log_day(request)
    rows = gatelog.entries(request.user, school, day)
    header = [_("Time"), _("Kind"), _("In / out"), _("Who"), _("Details")]
    body = (
        [
            timezone.localtime(e.at).strftime("%H:%M"),
            e.kind_label,
            queries.direction_label(e.direction),
            e.who,
            e.detail,
        ]
        for e in rows
    )
    title = _("Gate log %(school)s %(day)s") % {"school": school.name, "day": day.isoformat()}
    sheet = excel.Sheet(title=_("Gate log"), header=header, rows=body, caption=title)
    return excel.xlsx_response(f"gate-log-{school.code}-{day.isoformat()}.xlsx", [sheet])
