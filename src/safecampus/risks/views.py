"""Risk pages of a school: the ledger, a point with its grading history and control plan, and the
forms that identify, edit, grade and confirm points. Views parse input and call the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from safecampus.core import audit
from safecampus.core.errors import DomainError
from safecampus.core.models import UnitKind
from safecampus.core.ui import run_service

from . import queries, services
from .forms import GradeFields, PlanForm, PointForm, post_suggestions
from .grading import risk_policy_for
from .models import Category, ControlLevel, Level, RiskGrading, Status
from .services import TRANSITIONS


def crumbs(unit: Any, *extra: dict) -> list[dict]:
    return [
        {"label": _("Risk control"), "url": reverse("risks:home")},
        {"label": unit.name, "url": reverse("risks:ledger", args=[unit.pk])},
        *extra,
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = queries.home_unit(request.user)
    if unit is None:
        raise Http404
    if unit.kind == UnitKind.SCHOOL:
        return redirect("risks:ledger", unit.pk)
    return redirect("risks:bureau", unit.pk)


def filter_context(filters: queries.Filters) -> dict[str, Any]:
    return {
        "filters": filters,
        "categories": Category.choices,
        "levels": Level.choices,
        "statuses": Status.choices,
        "control_levels": ControlLevel.choices,
        "query": urlencode(filters.as_query()),
    }


@login_required
def ledger(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The school's risk ledger (风险台账), filterable."""
    unit = queries.school_for(request.user, unit_id)
    filters = queries.Filters.from_query(request.GET)
    points = queries.ledger(request.user, unit, filters).select_related("control_plan")
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    all_points = queries.ledger(request.user, unit).exclude(status=Status.RETIRED)
    counts = {lv: all_points.filter(level=lv).count() for lv in Level.values}
    return render(
        request,
        "risks/ledger.html",
        {
            "unit": unit,
            "page": page,
            "counts": counts,
            "can_manage": queries.can_manage(request.user, unit),
            "posts": queries.posts_of(request.user, unit),
            "breadcrumbs": crumbs(unit, {"label": _("Risk ledger")}),
            **filter_context(filters),
        },
    )


@login_required
def major_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The list of major risks with their control measures (重大风险及管控措施清单)."""
    unit = queries.school_for(request.user, unit_id)
    points = (
        queries.ledger(request.user, unit)
        .filter(level=Level.MAJOR)
        .exclude(status=Status.RETIRED)
        .select_related("control_plan__responsible_person")
    )
    return render(
        request,
        "risks/major_list.html",
        {
            "unit": unit,
            "points": points,
            "breadcrumbs": crumbs(unit, {"label": _("Major risks and controls")}),
        },
    )


def _form_context(unit: Any, form: Any) -> dict[str, Any]:
    return {"unit": unit, "form": form, "post_names": post_suggestions(unit)}


@login_required
def point_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.school_for(request.user, unit_id)
    if not queries.can_manage(request.user, unit):
        raise PermissionDenied
    policy = risk_policy_for(unit)
    form = PointForm(request.POST or None, unit=unit, policy=policy)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.descriptive().items() if v not in (None, "")}
        point = run_service(
            form,
            lambda: services.create_point(
                unit, actor=request.user, method=form.cleaned_data["method"], factors=form.factors(), **fields
            ),
        )
        if point is not None:
            messages.success(
                request,
                _("Risk point identified and graded: %(level)s.") % {"level": policy.label(point.level)},
            )
            return redirect("risks:point", point.pk)
    return render(
        request,
        "risks/point_form.html",
        {
            **_form_context(unit, form),
            "title": _("New risk point"),
            "grading": True,
            "breadcrumbs": crumbs(unit, {"label": _("New risk point")}),
        },
    )


@login_required
def point_detail(request: HttpRequest, point_id: int) -> HttpResponse:
    point = queries.point_for(request.user, point_id)
    plan = getattr(point, "control_plan", None) if hasattr(point, "control_plan") else None
    policy = risk_policy_for(point.unit)
    can_manage = queries.can_manage(request.user, point.unit)
    actions = (
        [a for a, (sources, _t, _p) in TRANSITIONS.items() if point.status in sources] if can_manage else []
    )
    unit_crumbs = (
        crumbs(point.unit, {"label": point.name})
        if queries.full_view(request.user, point.unit)
        else [
            {"label": _("Risk control"), "url": reverse("risks:home")},
            {"label": point.unit.name},
            {"label": point.name},
        ]
    )
    return render(
        request,
        "risks/point_detail.html",
        {
            "point": point,
            "plan": plan,
            "policy_label": policy.label(point.level),
            "policy_hex": policy.hex(point.level),
            "history": RiskGrading.objects.filter(point=point).select_related("graded_by"),
            "timeline": audit.timeline_for(point, request.user)[:50],
            "can_manage": can_manage,
            "actions": actions,
            "needs_plan": point.level == Level.MAJOR and plan is None,
            "breadcrumbs": unit_crumbs,
        },
    )


def band_rows(policy: Any) -> list[dict[str, Any]]:
    def text(bands: Any, level: str) -> str:
        for b in bands:
            if b.level == level:
                return f"{'≥' if b.min_inclusive else '>'} {b.min.normalize():f}"
        return "–"

    return [
        {
            "level": lv,
            "label": policy.label(lv),
            "lec": text(policy.lec_bands, lv),
            "ls": text(policy.ls_bands, lv),
        }
        for lv in Level.values
    ]


def _managed_point(request: HttpRequest, point_id: int) -> Any:
    point = queries.point_for(request.user, point_id)
    if not queries.can_manage(request.user, point.unit):
        raise PermissionDenied
    return point


@login_required
def point_edit(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _managed_point(request, point_id)
    unit = point.unit
    initial = {k: getattr(point, k) for k in PointForm.DESCRIPTIVE if k != "responsible_person"}
    initial["responsible_person"] = point.responsible_person_id or ""
    form = PointForm(
        request.POST or None, unit=unit, policy=risk_policy_for(unit), grading=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = form.descriptive()
        if not fields.get("control_level"):
            fields["control_level"] = risk_policy_for(unit).control_level.get(point.level, ControlLevel.POST)
        if run_service(form, lambda: services.update_point(point, actor=request.user, **fields)) is not None:
            messages.success(request, _("Risk point saved."))
            return redirect("risks:point", point.pk)
    return render(
        request,
        "risks/point_form.html",
        {
            **_form_context(unit, form),
            "point": point,
            "title": _("Edit risk point"),
            "grading": False,
            "breadcrumbs": crumbs(
                unit,
                {"label": point.name, "url": reverse("risks:point", args=[point.pk])},
                {"label": _("Edit")},
            ),
        },
    )


@login_required
def point_grade(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _managed_point(request, point_id)
    policy = risk_policy_for(point.unit)
    initial = {
        "method": point.method,
        **{k: (f"{v:g}" if isinstance(v, float) else v) for k, v in point.factors().items()},
    }
    form = GradeFields(request.POST or None, policy=policy, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.grade_point(
                point, actor=request.user, method=form.cleaned_data["method"], factors=form.factors()
            ),
        )
        if done is not None:
            messages.success(request, _("Graded: %(level)s.") % {"level": policy.label(done.level)})
            return redirect("risks:point", point.pk)
    return render(
        request,
        "risks/point_grade.html",
        {
            "point": point,
            "form": form,
            "policy": policy,
            "band_rows": band_rows(policy),
            "breadcrumbs": crumbs(
                point.unit,
                {"label": point.name, "url": reverse("risks:point", args=[point.pk])},
                {"label": pgettext("verb", "Grade")},
            ),
        },
    )


@login_required
def point_plan(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _managed_point(request, point_id)
    plan = getattr(point, "control_plan", None) if hasattr(point, "control_plan") else None
    initial = (
        {
            "measures": plan.measures,
            "responsible_person": plan.responsible_person_id,
            "review_date": plan.review_date,
        }
        if plan
        else {"measures": point.controls, "responsible_person": point.responsible_person_id or ""}
    )
    form = PlanForm(request.POST or None, unit=point.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.save_control_plan(
                point,
                actor=request.user,
                measures=d["measures"],
                responsible_person=d["responsible_person"],
                review_date=d["review_date"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Control plan saved."))
            return redirect("risks:point", point.pk)
    return render(
        request,
        "risks/point_plan.html",
        {
            "point": point,
            "form": form,
            "breadcrumbs": crumbs(
                point.unit,
                {"label": point.name, "url": reverse("risks:point", args=[point.pk])},
                {"label": _("Control plan")},
            ),
        },
    )


@login_required
@require_POST
def point_action(request: HttpRequest, point_id: int) -> HttpResponse:
    point = _managed_point(request, point_id)
    action = request.POST.get("action", "")
    try:
        if action == "review":
            services.record_review(point, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("Review recorded."))
        else:
            services.change_status(point, action, actor=request.user)
            messages.success(request, _("Status changed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("risks:point", point.pk)
