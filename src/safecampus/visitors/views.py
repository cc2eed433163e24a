"""The gate desk (the guard's home at the gate, one code box), a visit's page with its actions,
the host's visitors and the forms that register visits. Reading goes through `visitors.queries`;
views parse input and call the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safecampus.core import access, audit
from safecampus.core.errors import DomainError
from safecampus.core.models import Unit, UnitKind
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.roster.slips import qr_data_uri

from . import desk, queries, services, watch
from .forms import DeclineForm, HostVisitForm, WalkInForm, apply_errors
from .models import VisitStatus


def gate_school(request: HttpRequest, perm: str) -> Unit:
    """The school a gate page is about: `?unit=CODE`, else the user's own school with `perm`."""
    code = request.GET.get("unit") or request.POST.get("unit")
    if code:
        return unit_for(request.user, perm, code=code, school=True)
    unit = access.home_unit(request.user, perm)
    if unit is None or unit.kind != UnitKind.SCHOOL:
        raise Http404
    return unit


def desk_crumb() -> dict[str, Any]:
    return {"label": _("Gate desk"), "url": reverse("visitors:desk")}


@login_required
@never_cache
def desk_page(request: HttpRequest) -> HttpResponse:
    school = gate_school(request, Perm.WORK_GATE)
    code = services.desk_code(request.GET.get("code"))
    not_found = False
    if code:
        url = desk.find(request.user, school, code)
        if url:
            return redirect(url)
        not_found = True
    inside = list(queries.inside(request.user, school))
    return render(
        request,
        "visitors/desk.html",
        {
            "school": school,
            "code": code,
            "not_found": not_found,
            "expected": list(
                queries.expected_today(request.user, school).order_by("expected_at", "id")[:100]
            ),
            "inside": inside,
            "after_closing": queries.after_closing(school),
            "closing_time": queries.closing_time(school),
            "breadcrumbs": [{"label": _("Gate desk")}],
        },
    )


@login_required
@never_cache
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = request.user
    visit = queries.get_visit_for(user, visit_id)
    gate = has_perm_at(user, Perm.WORK_GATE, visit.unit)
    found = []
    if gate and visit.status in (VisitStatus.APPROVED, VisitStatus.PENDING, VisitStatus.INSIDE):
        found = watch.matches_for(visit)
        watch.warn(user, visit, found, "lookup")
    decide = visit.status == VisitStatus.PENDING and services.may_decide(user, visit)
    return render(
        request,
        "visitors/visit.html",
        {
            "visit": visit,
            "gate": gate,
            "matches": found,
            "can_decide": decide,
            "can_cancel": visit.status in (VisitStatus.PENDING, VisitStatus.APPROVED)
            and services.may_decide(user, visit),
            "can_reveal": services.can_reveal(user, visit),
            "is_today": timezone.localtime(visit.expected_at).date() == timezone.localdate(),
            "qr": qr_data_uri(visit.pass_code)
            if visit.status in (VisitStatus.APPROVED, VisitStatus.INSIDE)
            else "",
            "decline_form": DeclineForm() if decide else None,
            "timeline": audit.timeline_for(visit, user)[:30],
            "breadcrumbs": [desk_crumb() if gate else mine_crumb(), {"label": visit.visitor_name}],
        },
    )


def _act(request: HttpRequest, visit_id: int, action: str) -> HttpResponse:
    visit = queries.get_visit_for(request.user, visit_id)
    try:
        if action == "check_in":
            _v, found = services.check_in(visit, actor=request.user)
            if found:
                messages.warning(request, _("Checked in — this visitor matches the watch list!"))
            else:
                messages.success(request, _("%(name)s checked in.") % {"name": visit.visitor_name})
            return redirect("visitors:desk")
        if action == "check_out":
            services.check_out(visit, actor=request.user)
            messages.success(request, _("%(name)s checked out.") % {"name": visit.visitor_name})
            return redirect("visitors:desk")
        if action == "approve":
            services.approve(visit, actor=request.user)
            messages.success(request, _("Visit approved; the visitor's pass is valid."))
        elif action == "decline":
            form = DeclineForm(request.POST)
            reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
            services.decline(visit, actor=request.user, reason=reason)
            messages.success(request, _("Visit declined."))
        elif action == "cancel":
            services.cancel(visit, actor=request.user)
            messages.success(request, _("Visit cancelled."))
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("visitors:visit", visit.pk)


@login_required
@require_POST
def check_in(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "check_in")


@login_required
@require_POST
def check_out(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "check_out")


@login_required
@require_POST
def approve(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "approve")


@login_required
@require_POST
def decline(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "decline")


@login_required
@require_POST
def cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(request, visit_id, "cancel")


@login_required
@never_cache
@require_POST
def reveal(request: HttpRequest, visit_id: int, field: str) -> HttpResponse:
    visit = queries.get_visit_for(request.user, visit_id)
    try:
        value = services.reveal(field, visit, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    html = render_to_string("includes/reveal.html", {"shown": True, "revealed": value}, request=request)
    return HttpResponse(html)


def mine_crumb() -> dict[str, Any]:
    return {"label": _("My visitors"), "url": reverse("visitors:mine")}


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The visits the user hosts: bookings to decide first, then the coming ones."""
    if not access.holds_anywhere(request.user, Perm.HOST_VISITS, bureau=False):
        raise Http404
    qs = queries.visits_for(request.user).filter(host=request.user)
    today_start, _end = queries.day_bounds(timezone.localdate())
    status = request.GET.get("status") or ""
    qs = qs.filter(status=status) if status in VisitStatus.values else qs.filter(expected_at__gte=today_start)
    return render(
        request,
        "visitors/mine.html",
        {
            "pending": list(queries.to_decide(request.user).order_by("expected_at")[:100]),
            "visits": list(qs.order_by("expected_at", "id")[:200]),
            "status": status,
            "statuses": VisitStatus.choices,
            "breadcrumbs": [{"label": _("My visitors")}],
        },
    )


@login_required
def new_visit(request: HttpRequest) -> HttpResponse:
    """A host registers a visitor ahead (approved at once)."""
    school = gate_school(request, Perm.HOST_VISITS)
    if not has_perm_at(request.user, Perm.HOST_VISITS, school):
        raise Http404
    form = HostVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "client_id": str(form.cleaned_data["client_id"])}
        try:
            visit, _created = services.register_visit(school, actor=request.user, data=data)
            messages.success(request, _("Visit registered. Send the pass code %(code)s to the visitor.") % {
                "code": visit.pass_code})  # fmt: skip
            return redirect("visitors:visit", visit.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "visitors/visit_form.html",
        {
            "form": form,
            "school": school,
            "title": _("Register a visitor"),
            "breadcrumbs": [mine_crumb(), {"label": _("Register a visitor")}],
        },
    )


@login_required
def walk_in(request: HttpRequest) -> HttpResponse:
    """The guard registers a visitor who arrives without a pass (checked in at once)."""
    school = gate_school(request, Perm.WORK_GATE)
    hosts = list(services.hosts_at(school).order_by("name", "id")[:300])
    form = WalkInForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "client_id": str(form.cleaned_data["client_id"])}
        try:
            visit, found, _created = services.walk_in(school, actor=request.user, data=data)
            if found:
                messages.warning(request, _("This visitor matches the watch list!"))
            else:
                messages.success(request, _("%(name)s checked in.") % {"name": visit.visitor_name})
            return redirect("visitors:visit", visit.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "visitors/visit_form.html",
        {
            "form": form,
            "school": school,
            "title": _("Walk-in visitor"),
            "walk_in": True,
            "breadcrumbs": [desk_crumb(), {"label": _("Walk-in visitor")}],
        },
    )
