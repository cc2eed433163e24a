"""The staffing board as Excel: one row per school under the unit (required, on post, certified,
compliant, certificates expiring, untrained, over age)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from safecampus.core.excel import Sheet, export_filename, xlsx_response
from safecampus.core.models import Unit
from safecampus.core.places import unit_for

from . import queries
from .services import VIEW


def _rows(found: queries.Board) -> Iterator[list[Any]]:
    step = Unit.steplen
    parents = dict(
        Unit.objects.filter(path__in={s.unit.path[:-step] for s in found.staffing.values()}).values_list(
            "path", "name"
        )
    )
    for s in sorted(found.staffing.values(), key=lambda s: s.unit.path):
        yield [
            parents.get(s.unit.path[:-step], ""),
            s.unit.name,
            s.unit.code,
            s.students,
            s.required,
            s.on_post,
            s.certified,
            s.counted,
            _("Yes") if s.compliant else _("No"),
            s.short,
            s.expiring,
            s.untrained,
            s.over_age,
        ]


@login_required
def board_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id)
    found = queries.board(unit)
    header = [
        _("Area"),
        _("School"),
        _("Code"),
        _("Pupils"),
        _("Guards required"),
        _("On post"),
        _("Certified"),
        _("Full-time certified"),
        _("Compliant"),
        _("Guards short"),
        _("Certificates expiring"),
        _("Untrained"),
        _("Over age"),
    ]
    sheet = Sheet(
        title=_("Guard staffing"),
        header=header,
        rows=_rows(found),
        caption=f"{unit.name} · {_('Guard staffing')}",
    )
    return xlsx_response(export_filename("guard-staffing", unit.code), [sheet])
