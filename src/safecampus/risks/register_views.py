"""Register exports, the bureau's view of its schools' reported risks, and the policy regrade.

A bureau (county, city, province) reads only what its schools report upward: confirmed points of
yellow and above (`queries.points_for`). Schools are listed worst first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecampus.core import ranking
from safecampus.core.errors import DomainError
from safecampus.core.excel import Sheet, xlsx_response
from safecampus.core.models import UnitKind

from . import queries, registers, regrade
from .grading import risk_policy_for
from .models import Level, Status
from .views import filter_context


def _xlsx(name: str, title: str, header: list[str], rows, preface) -> StreamingHttpResponse:
    return xlsx_response(name, [Sheet(title=title, caption=title, header=header, rows=rows, preface=preface)])


@login_required
def ledger_xlsx(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    """The ledger (with the page's filters) of a school, or a bureau's reported list."""
    unit = queries.unit_for(request.user, unit_id)
    filters = queries.Filters.from_query(request.GET)
    points = queries.ledger(request.user, unit, filters)
    title = _("Risk ledger") if unit.kind == UnitKind.SCHOOL else _("Reported risks (yellow and above)")
    return _xlsx(
        registers.filename("risk-ledger", unit),
        f"{unit.name} {title}",
        registers.ledger_header(),
        registers.ledger_rows(points.iterator(chunk_size=500)),
        registers.preface(unit, filters.as_query()),
    )


@login_required
def major_xlsx(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    unit = queries.unit_for(request.user, unit_id)
    points = (
        queries.ledger(request.user, unit)
        .filter(level=Level.MAJOR)
        .exclude(status=Status.RETIRED)
        .select_related("control_plan__responsible_person")
    )
    return _xlsx(
        registers.filename("major-risks", unit),
        f"{unit.name} {_('Major risks and controls')}",
        registers.major_header(),
        registers.major_rows(points),
        registers.preface(unit, {}),
    )


@login_required
def bureau(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A bureau's schools by worst reported risk, and the reported risks, filterable."""
    unit = queries.unit_for(request.user, unit_id)
    if unit.kind == UnitKind.SCHOOL:
        return redirect("risks:ledger", unit.pk)
    filters = queries.Filters.from_query(request.GET)
    points = queries.ledger(request.user, unit, filters)
    total = queries.reported_total(unit, filters) if not queries.full_view_below(request.user, unit) else None
    page = ranking.paginator(points, 50, total).get_page(request.GET.get("page"))
    ranked = ranking.rank(
        request, queries.child_counts(request.user, unit), lambda r: (r["worst"], r["total"])
    )
    search = ranking.search_context(request, request.user, unit, ranking.link_to("risks:ledger"))
    crumbs = [{"label": _("Risk control"), "url": reverse("risks:home")}]
    for node in [*unit.get_ancestors(), unit]:
        visible = queries.can_view(request.user, node) and node != unit
        crumbs.append(
            {"label": node.name, "url": reverse("risks:bureau", args=[node.pk]) if visible else None}
        )
    return render(
        request,
        "risks/bureau.html",
        {
            "unit": unit,
            "schools": ranked,
            "school_rows": queries.school_rows(ranked.rows),
            "page": page,
            "children": unit.get_children().filter(is_active=True).exclude(kind=UnitKind.SCHOOL),
            "may_regrade": regrade.may_regrade(request.user, unit),
            "breadcrumbs": crumbs,
            **filter_context(filters),
            **search,
        },
    )


@login_required
def regrade_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Which points the policy in force would grade differently; applied on confirmation."""
    unit = queries.unit_for(request.user, unit_id)
    if not regrade.may_regrade(request.user, unit):
        raise PermissionDenied
    if request.method == "POST":
        try:
            expected = [int(x) for x in request.POST.getlist("point")]
        except ValueError:
            expected = []
        try:
            done = regrade.apply(unit, actor=request.user, expected=expected)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(n)s risk points graded with the policy in force.") % {"n": len(done)}
            )
            target = "risks:ledger" if unit.kind == UnitKind.SCHOOL else "risks:bureau"
            return redirect(target, unit.pk)
    changes = regrade.preview(unit)
    policy = risk_policy_for(unit)
    back = reverse("risks:ledger" if unit.kind == UnitKind.SCHOOL else "risks:bureau", args=[unit.pk])
    return render(
        request,
        "risks/regrade.html",
        {
            "unit": unit,
            "changes": changes,
            "policy": policy,
            "applicable": [c for c in changes if not c.problem],
            "breadcrumbs": [
                {"label": _("Risk control"), "url": reverse("risks:home")},
                {"label": unit.name, "url": back},
                {"label": _("Policy change")},
            ],
        },
    )
