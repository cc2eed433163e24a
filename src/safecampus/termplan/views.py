"""Term safety plan pages (mounted at /termplan/): the school's plan of this term month by month
(phone first), a plan by id, creating one from a template, an item (mark done with evidence,
summarise), the month's theme, the plan as PDF (学期安全工作计划). Views read through `queries`
(404 alike for missing and not yours) and write through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access, audit
from safecampus.core.errors import DomainError
from safecampus.core.files.serve import serve_file
from safecampus.core.months import label, month_key
from safecampus.core.pdf import pdf_response, render_pdf
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm

from . import queries, services, templates
from .models import ItemKind, ItemStatus, PlanStatus, TermPlan

PERM = Perm.VIEW_DUTIES


def _crumbs(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": _("Term safety plans"), "url": reverse("termplan:home")}, *extra]


def _school(request: HttpRequest) -> Any:
    """The school asked (`?unit=`), or the user's own; a bureau reader without one: None."""
    code = (request.GET.get("unit") or request.POST.get("unit") or "").strip()[:64]
    if code:
        return unit_for(request.user, PERM, code=code, school=True)
    unit = access.home_unit(request.user, PERM)
    if unit is None:
        raise Http404
    return None if unit.is_bureau else unit


def _plan_context(request: HttpRequest, plan: TermPlan) -> dict[str, Any]:
    today = timezone.localdate()
    this_month = month_key(today)
    months = queries.months(plan)
    items = [i for m in months for i in m["items"]]
    done = sum(1 for i in items if i.is_done)
    return {
        "plan": plan,
        "unit": plan.unit,
        "months": months,
        "this_month": this_month,
        "today": today,
        "n_items": len(items),
        "n_done": done,
        "n_summarised": sum(1 for i in items if i.status == ItemStatus.SUMMARISED),
        "rate": (done / len(items)) if items else None,
        "can_manage": services.may_manage(request.user, plan.unit),
        "month_label": label,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The school's plan of this term; a bureau reader goes to the county page."""
    school = _school(request)
    if school is None:
        return redirect("termplan:stats")
    plan = queries.current_plan(school)
    if plan is not None:
        return plan_page(request, plan)
    term = services.term_of(school)
    return render(request, "termplan/none.html", {
        "unit": school, "term": term, "can_manage": services.may_manage(request.user, school),
        "breadcrumbs": _crumbs({"label": school.name}),
    })  # fmt: skip


def plan_page(request: HttpRequest, plan: TermPlan) -> HttpResponse:
    context = _plan_context(request, plan)
    context["timeline"] = audit.timeline_for(plan, request.user)[:20]
    context["breadcrumbs"] = _crumbs({"label": plan.unit.name})
    context["kinds"] = ItemKind.choices
    return render(request, "termplan/plan.html", context)


@login_required
def plan_detail(request: HttpRequest, term_plan_id: int) -> HttpResponse:
    return plan_page(request, queries.plan_for(request.user, term_plan_id))


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Create the current or next term's plan of the school from a template."""
    school = _school(request)
    if school is None or not services.may_manage(request.user, school):
        raise Http404
    which = request.POST.get("which") or request.GET.get("which") or "current"
    if request.method == "POST":
        try:
            plan = services.create_plan(school, actor=request.user, which=which,
                                        template=request.POST.get("template") or None)  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The term safety plan was created from the template."))
            return redirect("termplan:plan", term_plan_id=plan.pk)
    terms = []
    for key in services.WHICH:
        term = services.term_of(school, key)
        if term is None:
            continue
        existing = queries.plan_of_term(school, templates.term_key(term))
        choices = templates.templates_for(school.school_type, templates.term_kind(term))
        terms.append({"which": key, "term": term, "existing": existing, "templates": choices})
    return render(request, "termplan/create.html", {
        "unit": school, "terms": terms, "which": which,
        "breadcrumbs": _crumbs(
            {"label": school.name, "url": f"{reverse('termplan:home')}?unit={school.code}"},
            {"label": _("New plan")}),
    })  # fmt: skip


@login_required
@require_POST
def plan_status(request: HttpRequest, term_plan_id: int) -> HttpResponse:
    plan = queries.plan_for(request.user, term_plan_id)
    action = request.POST.get("action", "")
    try:
        services.set_plan_status(plan, actor=request.user, action=action)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The plan was published.") if plan.status == PlanStatus.PUBLISHED
                         else _("The plan was taken back to draft."))  # fmt: skip
    return redirect("termplan:plan", term_plan_id=plan.pk)


@login_required
@require_POST
def add_item(request: HttpRequest, term_plan_id: int) -> HttpResponse:
    plan = queries.plan_for(request.user, term_plan_id)
    try:
        item = services.add_item(plan, actor=request.user, data=request.POST.dict())
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("termplan:plan", term_plan_id=plan.pk)
    messages.success(request, _("The item was added to the plan."))
    return redirect("termplan:item", plan_item_id=item.pk)


@login_required
def plan_pdf(request: HttpRequest, term_plan_id: int) -> HttpResponse:
    plan = queries.plan_for(request.user, term_plan_id)
    context = _plan_context(request, plan)
    data = render_pdf("termplan/plan_pdf.html", context, request=request)
    return pdf_response(data, f"{plan.unit.name}-学期安全工作计划-{plan.term_key}.pdf", private=True)


@login_required
def theme(request: HttpRequest, month_theme_id: int) -> HttpResponse:
    row = queries.theme_row_for(request.user, month_theme_id)
    plan = row.plan
    if request.method == "POST":
        try:
            services.update_theme(row, actor=request.user, data=request.POST.dict())
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The month's theme was saved."))
            return redirect("termplan:plan", term_plan_id=plan.pk)
    return render(request, "termplan/theme.html", {
        "row": row, "plan": plan, "month_label": label(row.month),
        "can_manage": services.may_manage(request.user, plan.unit),
        "breadcrumbs": _crumbs({"label": plan.unit.name, "url": reverse("termplan:plan", args=[plan.pk])},
                               {"label": label(row.month)}),
    })  # fmt: skip


ITEM_ACTIONS = ("done", "summarise", "reopen", "schedule", "edit")


@login_required
def item(request: HttpRequest, plan_item_id: int) -> HttpResponse:
    user = request.user
    row = queries.item_for(user, plan_item_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "done":
                services.mark_done(row, actor=user, note=request.POST.get("note", ""),
                                   file=request.FILES.get("file"), done_on=request.POST.get("done_on"),
                                   client_id=request.POST.get("client_id"))  # fmt: skip
                messages.success(request, _("The item is marked done."))
            elif action == "summarise":
                services.summarise(row, actor=user, summary=request.POST.get("summary", ""),
                                   client_id=request.POST.get("client_id"))  # fmt: skip
                messages.success(request, _("The summary was saved."))
            elif action == "reopen":
                services.reopen(row, actor=user)
                messages.success(request, _("The item is planned again."))
            elif action == "schedule":
                services.create_check_schedule(row, actor=user, template=request.POST.get("template"))
                messages.success(request, _("The check was scheduled for the planned date."))
            elif action == "edit":
                services.update_item(row, actor=user, data=request.POST.dict())
                messages.success(request, _("The item was saved."))
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("termplan:item", plan_item_id=row.pk)
    can_manage = services.may_manage(user, row.unit)
    checklists = []
    if can_manage and row.kind == ItemKind.SPECIAL_CHECK and row.schedule_id is None:
        from safecampus.checks.queries import usable_at

        checklists = list(usable_at(row.unit).order_by("kind", "code")[:100])
    plan = row.plan
    return render(request, "termplan/item.html", {
        "item": row, "plan": plan, "can_manage": can_manage, "checklists": checklists,
        "kinds": ItemKind.choices, "today": timezone.localdate(),
        "timeline": audit.timeline_for(row, user)[:20],
        "breadcrumbs": _crumbs({"label": plan.unit.name, "url": reverse("termplan:plan", args=[plan.pk])},
                               {"label": row.text}),
    })  # fmt: skip


@login_required
def evidence(request: HttpRequest, plan_item_id: int) -> HttpResponse:
    row = queries.item_for(request.user, plan_item_id)
    if not row.evidence_file:
        raise Http404
    ext = {"image/png": "png", "application/pdf": "pdf"}.get(row.evidence_type, "jpg")
    return serve_file(request, row.evidence_file, content_type=row.evidence_type or "image/jpeg",
                      filename=f"plan-item-{row.pk}.{ext}",
                      etag=f"plan-item-{row.pk}-{row.evidence_file.name.rsplit('/', 1)[-1]}")  # fmt: skip
