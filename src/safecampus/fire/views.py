"""Register pages: a school's register (filters, counts by status), a bureau's child units ranked,
a device's page with its checks, and the forms that add, change, service and retire devices.
Reading goes through `fire.queries`; views parse input and call the services."""

from __future__ import annotations

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

from safecampus.core import access, ranking
from safecampus.core.errors import DomainError
from safecampus.core.places import unit_for
from safecampus.core.scoping import has_perm_at

from . import queries, services
from .forms import DeviceForm, RetireForm, ServiceForm, apply_errors
from .models import DeviceType, FireDevice, Status
from .perms import CHECK, MANAGE, VIEW
from .status import derive, fire_policy, status_q, unchecked_q

PER_PAGE = 50
CHECKS_PER_PAGE = 20


def home_crumb() -> dict[str, Any]:
    return {"label": _("Fire equipment"), "url": reverse("fire:home")}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = access.home_unit(request.user, VIEW)
    if unit is None:
        raise Http404
    return redirect("fire:unit", unit.pk)


@login_required
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id)
    if unit.is_bureau:
        return _area(request, unit)
    return _register(request, unit)


def _register(request: HttpRequest, unit: Any) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    rules = fire_policy(unit)
    devices = queries.devices_in(user, unit)
    counts = queries.status_counts(devices, rules, today)
    qs = devices
    status = request.GET.get("status") or ""
    if status in Status.values:
        qs = qs.filter(status_q(status, rules, today))
    kind = request.GET.get("type") or ""
    if kind in DeviceType.values:
        qs = qs.filter(type=kind)
    building = " ".join(str(request.GET.get("building") or "").split())[:60]
    if building:
        qs = qs.filter(building=building)
    unchecked = request.GET.get("unchecked") == "1"
    if unchecked:
        qs = qs.filter(unchecked_q(rules, today))
    page = Paginator(qs.order_by("building", "floor", "code", "id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    for d in rows:
        d.status = derive(d, rules, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fire/register.html",
        {
            "unit": unit,
            "page": page,
            "rows": rows,
            "counts": counts,
            "total": sum(counts.values()),
            "status": status,
            "type": kind,
            "building": building,
            "unchecked": unchecked,
            "statuses": Status.choices,
            "types": DeviceType.choices,
            "cards": [(value, label, counts[value]) for value, label in Status.choices],
            "buildings": list(
                devices.order_by("building").values_list("building", flat=True).distinct()[:100]
            ),
            "query": query.urlencode(),
            "can_manage": has_perm_at(user, MANAGE, unit),
            "breadcrumbs": [home_crumb(), {"label": unit.name}],
        },
    )


def _area(request: HttpRequest, area: Any) -> HttpResponse:
    today = timezone.localdate()
    own = queries.area_rows_for_self(area, today)[0]
    children = queries.area_rows(area, ranking.child_units(area), today)
    ranked = ranking.rank(request, children, queries.worst_first)
    context = {
        "unit": area,
        "own": own,
        "ranked": ranked,
        "month": today.strftime("%Y-%m"),
        "breadcrumbs": [home_crumb(), {"label": area.name}],
        **ranking.search_context(request, request.user, area, ranking.link_to("fire:unit")),
    }
    return render(request, "fire/area.html", context)


@login_required
def device_page(request: HttpRequest, device_id: int) -> HttpResponse:
    user = request.user
    device = queries.get_device_for(user, device_id)
    rules = fire_policy(device.unit)
    checks = device.checks.select_related("checked_by", "hazard").prefetch_related("photos")
    page = Paginator(checks, CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    manage = has_perm_at(user, MANAGE, device.unit) and device.state == "in_service"
    return render(
        request,
        "fire/device.html",
        {
            "device": device,
            "status": derive(device, rules) if device.state == "in_service" else "",
            "page": page,
            "can_manage": manage,
            "can_check": has_perm_at(user, CHECK, device.unit) and device.state == "in_service",
            "service_form": ServiceForm(initial={"date": timezone.localdate()}) if manage else None,
            "retire_form": RetireForm() if manage else None,
            "open_hazards": [c.hazard for c in page.object_list if c.hazard_id and c.hazard.is_open],
            "breadcrumbs": [
                home_crumb(),
                {"label": device.unit.name, "url": reverse("fire:unit", args=[device.unit_id])},
                {"label": device.code},
            ],
        },
    )


def _device_form(request: HttpRequest, unit: Any, device: FireDevice | None) -> HttpResponse:
    if not has_perm_at(request.user, MANAGE, unit):
        raise PermissionDenied
    initial = {f: getattr(device, f) for f in services.EDITABLE} if device else {}
    form = DeviceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if device is None:
                device = services.add_device(unit, actor=request.user, data=form.cleaned_data)
                messages.success(request, _("Device %(code)s registered.") % {"code": device.code})
            else:
                device = services.edit_device(device, actor=request.user, data=form.cleaned_data)
                messages.success(request, _("Device %(code)s saved.") % {"code": device.code})
            return redirect("fire:device", device.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    crumbs = [home_crumb(), {"label": unit.name, "url": reverse("fire:unit", args=[unit.pk])}]
    crumbs.append({"label": device.code if device else _("Register a device")})
    return render(
        request,
        "fire/device_form.html",
        {"form": form, "unit": unit, "device": device, "breadcrumbs": crumbs},
    )


@login_required
def add_device(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = unit_for(request.user, VIEW, pk=unit_id, school=True)
    return _device_form(request, unit, None)


@login_required
def edit_device(request: HttpRequest, device_id: int) -> HttpResponse:
    device = queries.get_device_for(request.user, device_id)
    return _device_form(request, device.unit, device)


@login_required
@require_POST
def service_device(request: HttpRequest, device_id: int) -> HttpResponse:
    device = queries.get_device_for(request.user, device_id)
    form = ServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the service date."))
        return redirect("fire:device", device.pk)
    try:
        services.record_service(device, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Service recorded."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("fire:device", device.pk)


@login_required
@require_POST
def retire_device(request: HttpRequest, device_id: int) -> HttpResponse:
    device = queries.get_device_for(request.user, device_id)
    form = RetireForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.retire_device(device, actor=request.user, reason=reason)
        messages.success(request, _("Device %(code)s retired.") % {"code": device.code})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("fire:device", device.pk)
