"""The four-colour map: view (printable, with legend), editor (upload the plan, draw areas, pin
points), the plan image served to whoever may see the school's risks, and the editor's save."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError

from . import plans, queries
from .forms import PlanUploadForm
from .grading import risk_policy_for
from .models import Level, RiskPoint, Status
from .views import crumbs

IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


def _points(user, unit):
    return list(
        RiskPoint.objects.visible_to(user)
        .filter(unit=unit)
        .exclude(status=Status.RETIRED)
        .order_by("-score", "pk")
    )


@login_required
def map_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.school_for(request.user, unit_id)
    plan = plans.plan_of(unit)
    policy = risk_policy_for(unit)
    points = _points(request.user, unit)
    areas = plans.four_colour(plan, points) if plan else []
    return render(
        request,
        "risks/map.html",
        {
            "unit": unit,
            "plan": plan,
            "areas": areas,
            "pins": [p for p in points if p.pin_x is not None and p.status == Status.CONFIRMED],
            "hex": {lv: policy.hex(lv) for lv in Level.values},
            "legend": [(lv, policy.label(lv), policy.hex(lv)) for lv in Level.values],
            "can_manage": queries.can_manage(request.user, unit),
            "breadcrumbs": crumbs(unit, {"label": _("Four-colour map")}),
        },
    )


@login_required
def map_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.school_for(request.user, unit_id)
    if not queries.can_manage(request.user, unit):
        raise PermissionDenied
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            plans.upload_plan(
                unit, actor=request.user, upload=form.cleaned_data["image"], title=form.cleaned_data["title"]
            )
        except DomainError as exc:
            form.add_error("image", exc.message)
        else:
            messages.success(request, _("Campus plan uploaded."))
            return redirect("risks:map_edit", unit.pk)
    plan = plans.plan_of(unit)
    policy = risk_policy_for(unit)
    layout = None
    if plan is not None:
        layout = {
            "width": plan.width,
            "height": plan.height,
            "areas": [{"id": a.pk, "name": a.name, "polygon": a.polygon} for a in plan.areas.all()],
            "points": [
                {
                    "id": p.pk,
                    "name": p.name,
                    "level": p.level,
                    "colour": policy.hex(p.level),
                    "x": p.pin_x,
                    "y": p.pin_y,
                }
                for p in _points(request.user, unit)
            ],
            "save": reverse("risks:map_save", args=[unit.pk]),
            "texts": {
                "remove": _("Remove"),
                "unnamed": _("Please enter the area name first."),
                "failed": _("The map could not be saved."),
                "saved": _("Map saved."),
            },
        }
    return render(
        request,
        "risks/map_edit.html",
        {
            "unit": unit,
            "plan": plan,
            "form": form,
            "layout": layout,
            "breadcrumbs": crumbs(
                unit,
                {"label": _("Four-colour map"), "url": reverse("risks:map", args=[unit.pk])},
                {"label": _("Edit")},
            ),
        },
    )


@login_required
def plan_image(request: HttpRequest, unit_id: int) -> FileResponse:
    unit = queries.school_for(request.user, unit_id)
    plan = plans.plan_of(unit)
    if plan is None:
        raise Http404
    ext = plan.image.name.rsplit(".", 1)[-1].lower()
    try:
        fh = plan.image.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(fh, content_type=IMAGE_TYPES.get(ext, "application/octet-stream"))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def save_layout(request: HttpRequest, unit_id: int) -> JsonResponse:
    unit = queries.school_for(request.user, unit_id)
    if not queries.can_manage(request.user, unit):
        raise PermissionDenied
    plan = plans.plan_of(unit)
    if plan is None:
        raise Http404
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": _("The map could not be read; please try again.")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"detail": _("The map could not be read; please try again.")}, status=400)
    try:
        plans.save_layout(plan, actor=request.user, areas=data.get("areas"), pins=data.get("pins", []))
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message)}, status=exc.status)
    return JsonResponse({"ok": True, "detail": _("Map saved.")})
