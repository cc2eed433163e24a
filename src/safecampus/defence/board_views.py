"""The three-100% board (mounted at /security/three100/): a unit's schools meeting each
indicator and their rates, one row per child unit with drill-down (province → city → county →
school), the schools below that fall short with the indicators they miss (a page at a time), an
Excel export and a county's PDF report. The unit comes from `?unit=CODE` (404 alike for missing
and not yours), else the reader's own highest place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.excel import Sheet, export_filename, xlsx_response
from safecampus.core.models import Unit, UnitKind
from safecampus.core.pdf import pdf_response, render_pdf
from safecampus.core.places import can_view_unit, default_place, unit_for

from . import board
from .perms import VIEW

SHORT_PER_PAGE = 50
PDF_MAX_SCHOOLS = 2000

LABELS = {
    "closed_management": gettext_lazy("Closed management"),
    "alarm_networked": gettext_lazy("One-click alarm networked"),
    "video_networked": gettext_lazy("Video networked"),
    "guards_staffed": gettext_lazy("Full-time guards staffed"),
    "all_three": gettext_lazy("All three 100%"),
}
DEFINITIONS = [
    (LABELS["closed_management"], gettext_lazy(
        "Closed management confirmed with evidence, and a gate barrier or anti-ram bollard in service "
        "whose last test did not fail.")),
    (LABELS["alarm_networked"], gettext_lazy(
        "A one-click alarm in service, networked with the local police, whose last test did not fail.")),
    (LABELS["video_networked"], gettext_lazy(
        "At least the policy's minimum of CCTV cameras in service, every one networked with the "
        "local police.")),
    (LABELS["guards_staffed"], gettext_lazy(
        "Full-time guards on post as many as the policy requires for the school's pupils.")),
    (LABELS["all_three"], gettext_lazy(
        "Closed management, one-click alarm and video networked, and guards staffed: all at once.")),
]  # fmt: skip


def _unit(request: HttpRequest) -> Unit:
    code = (request.GET.get("unit") or "").strip()[:64]
    return unit_for(request.user, VIEW, code=code) if code else default_place(request.user, VIEW).unit


def _link(unit: Unit, **extra: str) -> str:
    return reverse("defence:board") + "?" + urlencode({"unit": unit.code, **extra})


def _crumbs(user: Any, unit: Unit) -> list[dict[str, Any]]:
    out = []
    for u in [*unit.get_ancestors(), unit]:
        out.append({"label": u.name, "url": _link(u) if can_view_unit(user, u, VIEW) else None})
    return out


def _short_rows(area: Unit, indicator: str | None, page_number: Any) -> Any:
    qs = board.falling_short(area, indicator)
    page = Paginator(qs, SHORT_PER_PAGE).get_page(page_number)
    schools = list(page.object_list)
    found = board.indicators_of(schools)
    parents = dict(
        Unit.objects.filter(path__in={s.path[: -Unit.steplen] for s in schools}).values_list("path", "name")
    )
    rows = [
        {
            "unit": s,
            "parent": parents.get(s.path[: -Unit.steplen], ""),
            "missing": [LABELS[k] for k in board.INDICATORS[:-1] if not found[s.pk][k]],
            "values": [found[s.pk][k] for k in board.INDICATORS],
        }
        for s in schools
    ]
    return page, rows


@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    own = board.row(unit)
    kids = board.children(unit) if unit.is_bureau else []
    rows = board.rows(unit, kids) if kids else []
    indicator = request.GET.get("indicator") or ""
    if indicator not in board.INDICATORS:
        indicator = ""
    page, short = (
        _short_rows(unit, indicator or None, request.GET.get("page")) if unit.is_bureau else (None, [])
    )
    school = None
    if not unit.is_bureau:
        found = board.indicators_of([unit])[unit.pk]
        school = [(LABELS[k], found[k]) for k in board.INDICATORS]
    return render(
        request,
        "defence/board.html",
        {
            "unit": unit,
            "own": own,
            "rows": [{"row": r, "url": _link(r.unit)} for r in rows],
            "columns": [(k, LABELS[k]) for k in board.INDICATORS],
            "indicator": indicator,
            "short_page": page,
            "short": short,
            "school": school,
            "definitions": DEFINITIONS,
            "query": urlencode({"unit": unit.code, **({"indicator": indicator} if indicator else {})}),
            "is_county": unit.kind == UnitKind.COUNTY,
            "breadcrumbs": [*_crumbs(request.user, unit), {"label": _("Three 100%")}],
        },
    )


def header() -> list[str]:
    return [_("Unit"), _("Code"), _("Schools"), *(str(LABELS[k]) for k in board.INDICATORS),
            *(_("%(name)s (%%)") % {"name": LABELS[k]} for k in board.INDICATORS)]  # fmt: skip


def _values(r: board.Row) -> list[Any]:
    return [r.unit.name, r.unit.code, r.schools, *(r.counts.get(k, 0) for k in board.INDICATORS),
            *(r.percents[k] for k in board.INDICATORS)]  # fmt: skip


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """The unit's row and each child unit's; a second sheet lists the schools that fall short."""
    unit = _unit(request)
    kids = board.children(unit) if unit.is_bureau else []
    rows = [board.row(unit), *(board.rows(unit, kids) if kids else [])]
    title = _("Three 100%")
    preface = [[_("Place"), unit.name], [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")]]
    sheets = [
        Sheet(title=title, caption=title, header=header(), rows=[_values(r) for r in rows], preface=preface)
    ]
    short = board.falling_short(unit).iterator(chunk_size=2000)

    def short_rows() -> Any:
        batch: list[Unit] = []
        for school in short:
            batch.append(school)
            if len(batch) == 500:
                yield from _short_values(batch)
                batch = []
        yield from _short_values(batch)

    sheets.append(
        Sheet(
            title=_("Schools falling short"),
            header=[_("School"), _("Code"), *(str(LABELS[k]) for k in board.INDICATORS[:-1])],
            rows=short_rows(),
        )
    )
    return xlsx_response(export_filename("three100", unit.code), sheets)


def _short_values(schools: list[Unit]) -> list[list[Any]]:
    found = board.indicators_of(schools)
    yes, no = _("Yes"), _("No")
    return [
        [s.name, s.code, *(yes if found[s.pk][k] else no for k in board.INDICATORS[:-1])] for s in schools
    ]


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    """A county's report: its figures, its schools' indicators and the definitions (A4)."""
    unit = _unit(request)
    own = board.row(unit)
    schools = list(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.SCHOOL, is_active=True).order_by(
            "path"
        )[:PDF_MAX_SCHOOLS]
    )
    found = board.indicators_of(schools)
    data = render_pdf(
        "defence/report.html",
        {
            "unit": unit,
            "own": own,
            "columns": [(k, LABELS[k]) for k in board.INDICATORS],
            "schools": [{"unit": s, "values": [found[s.pk][k] for k in board.INDICATORS]} for s in schools],
            "truncated": len(schools) >= PDF_MAX_SCHOOLS,
            "definitions": DEFINITIONS,
            "printed": timezone.localtime(),
        },
    )
    return pdf_response(data, f"{unit.code}-three100.pdf", private=True)
