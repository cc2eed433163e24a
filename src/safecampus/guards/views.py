"""Guard pages: a school's register (guards with what each lacks, companies, gates), a bureau's
staffing board (child units, the schools short of guards, Excel), a guard's page with the audited
"show" of masked data and its history, and the forms. Views parse input and call the services."""

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

from safecampus.core import access, audit, ranking
from safecampus.core.errors import DomainError
from safecampus.core.models import Membership
from safecampus.core.places import unit_for
from safecampus.core.policy import policy_for

from . import privacy, queries, services
from .forms import CompanyForm, GatesForm, GuardForm, LeaveForm, apply_errors
from .models import Guard, GuardStatus
from .services import MANAGE, VIEW
from .staffing import staffing_for


def home_crumb() -> dict[str, Any]:
    return {"label": _("Guards and staffing"), "url": reverse("guards:home")}


def unit_crumb(unit: Any) -> dict[str, Any]:
    return {"label": unit.name, "url": reverse("guards:unit", args=[unit.pk])}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = access.home_unit(request.user, VIEW)
    if unit is None:
        raise Http404
    return redirect("guards:unit", unit.pk)


@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id)
    if unit.is_bureau:
        return _board(request, unit)
    return _register(request, unit)


def _register(request: HttpRequest, school: Any) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    show_left = request.GET.get("left") == "1"
    qs = queries.guards_of(user, school)
    if not show_left:
        qs = qs.filter(status=GuardStatus.ON_POST)
    guards = list(qs.order_by("status", "name", "id")[:500])
    queries.flag_guards(guards, school, today)
    manage = access.holds_at(user, MANAGE, school)
    rules = policy_for(school)["guards"]
    staffing = staffing_for(school, today=today)
    return render(
        request,
        "guards/register.html",
        {
            "unit": school,
            "staffing": staffing,
            "guards": guards,
            "show_left": show_left,
            "left_count": queries.guards_of(user, school).filter(status=GuardStatus.LEFT).count(),
            "companies": list(queries.companies_of(user, school)),
            "can_manage": manage,
            "gates_form": GatesForm(initial={"gates": staffing.gates}) if manage else None,
            "company_form": CompanyForm() if manage else None,
            "rules": rules,
            "breadcrumbs": [home_crumb(), {"label": school.name}],
        },
    )


def _board(request: HttpRequest, area: Any) -> HttpResponse:
    found = queries.board(area)
    rows = [{"unit": r.unit, "row": r} for r in found.children]
    ranked = ranking.rank(request, rows, lambda r: (r["row"].short, r["row"].expiring, r["row"].schools))
    rules = policy_for(area)["guards"]
    context = {
        "unit": area,
        "board": found,
        "ranked": ranked,
        "short": found.short[: queries.SHORT_LIMIT],
        "short_more": max(0, len(found.short) - queries.SHORT_LIMIT),
        "rules": rules,
        "breadcrumbs": [home_crumb(), {"label": area.name}],
        **ranking.search_context(request, request.user, area, ranking.link_to("guards:unit")),
    }
    return render(request, "guards/board.html", context)


@login_required
def guard_page(request: HttpRequest, guard_id: int) -> HttpResponse:
    user = request.user
    guard = queries.get_guard_for(user, guard_id)
    queries.flag_guards([guard], guard.unit)
    manage = access.holds_at(user, MANAGE, guard.unit)
    return render(
        request,
        "guards/guard.html",
        {
            "guard": guard,
            "can_manage": manage,
            "can_reveal": privacy.can_reveal(user, guard),
            "leave_form": LeaveForm(initial={"on": timezone.localdate()}) if manage else None,
            "timeline": list(audit.timeline_for(guard, user)[:30]),
            "rules": policy_for(guard.unit)["guards"],
            "breadcrumbs": [home_crumb(), unit_crumb(guard.unit), {"label": guard.name}],
        },
    )


def _choices(user: Any, school: Any) -> dict[str, list[tuple[Any, str]]]:
    members = (
        Membership.objects.filter(unit=school, is_active=True)
        .select_related("user")
        .order_by("user__name", "user_id")
    )
    accounts = {m.user_id: f"{m.user.name or m.user.username} ({m.user.username})" for m in members}
    companies = [(c.pk, c.name) for c in queries.companies_of(user, school)]
    return {"companies": companies, "accounts": list(accounts.items())}


def _guard_form(request: HttpRequest, school: Any, guard: Guard | None) -> HttpResponse:
    if not access.holds_at(request.user, MANAGE, school):
        raise PermissionDenied
    initial: dict[str, Any] = {"full_time": True}
    if guard is not None:
        initial = {
            f: getattr(guard, f)
            for f in services.FIELDS
            if f not in ("id_number", "phone", "company", "user")
        }
        initial.update(company=guard.company_id or "", user=guard.user_id or "")
    form = GuardForm(request.POST or None, initial=initial, **_choices(request.user, school))
    if guard is not None:
        form.fields["id_number"].widget.attrs["placeholder"] = guard.id_number_masked
        form.fields["phone"].widget.attrs["placeholder"] = guard.phone_masked
    if request.method == "POST" and form.is_valid():
        try:
            if guard is None:
                guard = services.add_guard(school, actor=request.user, data=form.service_data(editing=False))
                messages.success(request, _("Guard %(name)s registered.") % {"name": guard.name})
            else:
                guard = services.edit_guard(guard, actor=request.user, data=form.service_data(editing=True))
                messages.success(request, _("Guard %(name)s saved.") % {"name": guard.name})
            return redirect("guards:guard", guard.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    crumbs = [home_crumb(), unit_crumb(school), {"label": guard.name if guard else _("Register a guard")}]
    return render(
        request,
        "guards/guard_form.html",
        {"form": form, "unit": school, "guard": guard, "breadcrumbs": crumbs},
    )


@login_required
def add_guard(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _guard_form(request, unit_for(request.user, VIEW, pk=unit_id, school=True), None)


@login_required
def edit_guard(request: HttpRequest, guard_id: int) -> HttpResponse:
    guard = queries.get_guard_for(request.user, guard_id)
    return _guard_form(request, guard.unit, guard)


def _move(request: HttpRequest, guard_id: int, action: str) -> HttpResponse:
    guard = queries.get_guard_for(request.user, guard_id)
    form = LeaveForm(request.POST)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    try:
        services.move_guard(guard, action, actor=request.user, on=on)
        messages.success(request, _("Guard marked left.") if action == "leave" else _("Guard on post again."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("guards:guard", guard.pk)


@login_required
@require_POST
def leave(request: HttpRequest, guard_id: int) -> HttpResponse:
    return _move(request, guard_id, "leave")


@login_required
@require_POST
def back_on_post(request: HttpRequest, guard_id: int) -> HttpResponse:
    return _move(request, guard_id, "return")


@login_required
@require_POST
def add_company(request: HttpRequest, unit_id: int) -> HttpResponse:
    school = unit_for(request.user, VIEW, pk=unit_id, school=True)
    form = CompanyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the company's name."))
    else:
        try:
            company = services.add_company(school, actor=request.user, data=form.cleaned_data)
            messages.success(request, _("Company %(name)s added.") % {"name": company.name})
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("guards:unit", school.pk)


@login_required
@require_POST
def set_gates(request: HttpRequest, unit_id: int) -> HttpResponse:
    school = unit_for(request.user, VIEW, pk=unit_id, school=True)
    try:
        services.set_gates(school, request.POST.get("gates"), actor=request.user)
        messages.success(request, _("Gates saved."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("guards:unit", school.pk)


@login_required
@never_cache
@require_POST
def reveal(request: HttpRequest, guard_id: int, field: str) -> HttpResponse:
    guard = queries.get_guard_for(request.user, guard_id)
    try:
        value = privacy.reveal(field, guard, actor=request.user)
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    html = render_to_string("includes/reveal.html", {"shown": True, "revealed": value}, request=request)
    return HttpResponse(html)
