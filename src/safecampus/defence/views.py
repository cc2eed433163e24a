"""Register pages: a school's register (counts by status, the minimum the policy asks, closed
management), an item's page with its tests and the mobile test form (camera), the forms that add,
change and retire items, closed-management confirmation with evidence. A bureau's `home` opens
the three-100% board."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access
from safecampus.core.errors import DomainError
from safecampus.core.files.serve import serve_file
from safecampus.core.places import unit_for
from safecampus.core.scoping import has_perm_at

from . import closed, facts, queries, services, shortfall, testing
from .forms import ClosedForm, ItemForm, TestForm, apply_errors
from .models import Category, Equipment, Kind, State, Status, Three100Fact
from .perms import MANAGE, VIEW
from .status import defence_policy, derive, next_test_on

PER_PAGE = 100


def home_crumb() -> dict[str, Any]:
    return {"label": _("Defence equipment"), "url": reverse("defence:home")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = access.home_unit(request.user, VIEW)
    if unit is None:
        raise Http404
    if unit.is_bureau:
        return redirect(reverse("defence:board") + f"?unit={unit.code}")
    return redirect("defence:unit", unit.pk)


@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id)
    if unit.is_bureau:
        return redirect(reverse("defence:board") + f"?unit={unit.code}")
    user, today = request.user, timezone.localdate()
    rules = defence_policy(unit)
    items = list(queries.items_in(user, unit).order_by("category", "kind", "location", "id"))
    for i in items:
        i.status = derive(i, rules, today)
        i.next_test = next_test_on(i, rules)
    counts = {s: sum(1 for i in items if i.status == s) for s in Status.values}
    status = request.GET.get("status") or ""
    shown = [i for i in items if i.status == status] if status in Status.values else items
    groups = [(label, [i for i in shown if i.category == value]) for value, label in Category.choices]
    fact = Three100Fact.objects.filter(unit=unit).first() or Three100Fact(
        **dict.fromkeys(facts.INDICATORS, False)
    )
    return render(
        request,
        "defence/register.html",
        {
            "unit": unit,
            "groups": [(label, rows) for label, rows in groups if rows],
            "total": len(items),
            "cards": [(value, label, counts[value]) for value, label in Status.choices],
            "status": status,
            "missing": [(Kind(k).label, have, need) for k, have, need in shortfall.missing(unit)],
            "closed": closed.of(unit),
            "fact": fact,
            "can_manage": has_perm_at(user, MANAGE, unit),
            "breadcrumbs": [home_crumb(), {"label": unit.name}],
        },
    )


@login_required
def item_page(request: HttpRequest, equipment_id: int) -> HttpResponse:
    user = request.user
    item = queries.get_item_for(user, equipment_id)
    rules = defence_policy(item.unit)
    tests = item.tests.select_related("tested_by", "hazard")
    page = Paginator(tests, 20).get_page(request.GET.get("page"))
    live = item.state == State.IN_SERVICE
    manage = has_perm_at(user, MANAGE, item.unit) and live
    return render(
        request,
        "defence/item.html",
        {
            "item": item,
            "status": derive(item, rules) if live else "",
            "next_test": next_test_on(item, rules),
            "page": page,
            "can_manage": manage,
            "form": TestForm(initial={"client_id": uuid.uuid4()}) if manage else None,
            "breadcrumbs": [
                home_crumb(),
                {"label": item.unit.name, "url": reverse("defence:unit", args=[item.unit_id])},
                {"label": item.get_kind_display()},
            ],
        },
    )


@login_required
def test_item(request: HttpRequest, equipment_id: int) -> HttpResponse:
    """The test form (mobile: big pass/fail buttons, the phone's camera)."""
    user = request.user
    item = queries.get_item_for(user, equipment_id)
    if not has_perm_at(user, MANAGE, item.unit) or item.state != State.IN_SERVICE:
        raise PermissionDenied
    form = TestForm(request.POST or None, initial={"client_id": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "client_id": str(form.cleaned_data["client_id"])}
        try:
            test, created = testing.record_test(item, actor=user, data=data, photo=request.FILES.get("photo"))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            if not created:
                messages.info(request, _("This test was already received."))
            elif test.hazard_id:
                messages.warning(
                    request,
                    _("Test recorded as failed; hazard %(number)s was reported.")
                    % {"number": test.hazard.number},
                )
            else:
                messages.success(request, _("Test recorded: passed."))
            return redirect("defence:item", item.pk)
    return render(
        request,
        "defence/test.html",
        {
            "item": item,
            "form": form,
            "status": derive(item, defence_policy(item.unit)),
            "breadcrumbs": [
                home_crumb(),
                {"label": item.unit.name, "url": reverse("defence:unit", args=[item.unit_id])},
                {"label": _("Test")},
            ],
        },
    )


def _item_form(request: HttpRequest, unit: Any, item: Equipment | None) -> HttpResponse:
    if not has_perm_at(request.user, MANAGE, unit):
        raise PermissionDenied
    initial = (
        {f: getattr(item, f) for f in services.EDITABLE} if item else {"kind": request.GET.get("kind", "")}
    )
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = services.add_equipment(unit, actor=request.user, data=form.cleaned_data)
                messages.success(request, _("Equipment registered."))
            else:
                item = services.edit_equipment(item, actor=request.user, data=form.cleaned_data)
                messages.success(request, _("Equipment saved."))
            return redirect("defence:unit", unit.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    crumbs = [home_crumb(), {"label": unit.name, "url": reverse("defence:unit", args=[unit.pk])}]
    crumbs.append({"label": item.get_kind_display() if item else _("Register equipment")})
    return render(
        request, "defence/item_form.html", {"form": form, "unit": unit, "item": item, "breadcrumbs": crumbs}
    )


@login_required
def add_item(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    return _item_form(request, unit, None)


@login_required
def edit_item(request: HttpRequest, equipment_id: int) -> HttpResponse:
    item = queries.get_item_for(request.user, equipment_id)
    if item.state != State.IN_SERVICE:
        raise Http404
    return _item_form(request, item.unit, item)


@login_required
@require_POST
def retire_item(request: HttpRequest, equipment_id: int) -> HttpResponse:
    item = queries.get_item_for(request.user, equipment_id)
    try:
        services.retire_equipment(item, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Equipment retired."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("defence:unit", item.unit_id)


@login_required
def closed_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    row = closed.of(unit)
    manage = has_perm_at(request.user, MANAGE, unit)
    form = ClosedForm(
        request.POST or None,
        initial={"confirmed": row.confirmed if row else False, "note": row.note if row else ""},
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                closed.confirm(
                    unit,
                    actor=request.user,
                    confirmed=form.cleaned_data["confirmed"],
                    evidence=request.FILES.get("evidence"),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Closed management saved."))
                return redirect("defence:unit", unit.pk)
            except DomainError as exc:
                apply_errors(form, exc)
    return render(
        request,
        "defence/closed.html",
        {
            "unit": unit,
            "row": row,
            "form": form if manage else None,
            "breadcrumbs": [
                home_crumb(),
                {"label": unit.name, "url": reverse("defence:unit", args=[unit.pk])},
                {"label": _("Closed management")},
            ],
        },
    )


@login_required
def closed_evidence(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    row = closed.of(unit)
    if row is None or not row.evidence:
        raise Http404
    ext = row.evidence.name.rsplit(".", 1)[-1]
    return serve_file(
        request,
        row.evidence,
        content_type=row.evidence_type or "application/octet-stream",
        filename=f"closed-management-{unit.code}.{ext}",
        etag=f"defence-closed-{row.pk}-{row.evidence.name.rsplit('/', 1)[-1]}",
    )


@login_required
@require_POST
def report_shortfalls(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    if not has_perm_at(request.user, MANAGE, unit):
        raise PermissionDenied
    try:
        made = shortfall.report_missing(unit, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if made:
            messages.warning(request, _("%(n)s hazards reported for missing equipment.") % {"n": len(made)})
        else:
            messages.info(request, _("No new hazard: nothing missing, or already reported."))
    return redirect("defence:unit", unit.pk)


@login_required
def test_photo(request: HttpRequest, equipment_test_id: int) -> HttpResponse:
    test = queries.get_test_for(request.user, equipment_test_id)
    if not test.photo:
        raise Http404
    png = test.photo.name.endswith(".png")
    return serve_file(
        request,
        test.photo,
        content_type="image/png" if png else "image/jpeg",
        filename=f"test-photo-{test.pk}.{'png' if png else 'jpg'}",
        etag=f"defence-photo-{test.pk}-{test.photo.name.rsplit('/', 1)[-1]}",
    )
