"""Reporting a hazard from a phone, photo first. A hidden client id (made by the page's script)
makes a double tap or a resubmission register one hazard; "fixed on the spot" closes it at once
with evidence (立查立改)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecampus.core.errors import DomainError
from safecampus.core.models import Unit
from safecampus.risks.models import Category

from . import services
from .forms import areas_of, default_source, error_dict, locations_of, report_schools, risk_points_of
from .models import Grade, Source, Status
from .views import home_crumb

FIELDS = ("category", "location", "description", "grade", "source", "risk_point", "area", "client_id")
SHOWN = (*FIELDS, "photos", "unit", "on_spot", "spot_photos", "spot_note")


def _school(request: HttpRequest, schools: list[Unit]) -> Unit | None:
    wanted = request.POST.get("unit") or request.GET.get("unit") or ""
    chosen = next((s for s in schools if str(s.pk) == wanted), None)
    if request.method == "GET" and wanted and chosen is None:
        raise Http404  # the form asked for a school the user may not report for (or none at all)
    if len(schools) == 1:
        return schools[0]
    return chosen


def _on_spot_errors(post: Any, files: Any) -> dict[str, str]:
    """What an on-the-spot fix needs, checked before anything is registered."""
    errors = {}
    if post.get("grade") == Grade.MAJOR:
        errors["on_spot"] = _("A major hazard cannot be closed on the spot.")
    if not (post.get("spot_note") or "").strip():
        errors["spot_note"] = _("Describe what was done.")
    if not files.getlist("spot_photos"):
        errors["spot_photos"] = _("Add at least one photo of the result.")
    return errors


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    schools = report_schools(user)
    if not schools:
        raise Http404
    school = _school(request, schools)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"grade": Grade.GENERAL, "source": default_source(user, school or schools[0])}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in (*FIELDS, "spot_note")})
        values["on_spot"] = bool(request.POST.get("on_spot"))
        if school is None:
            errors["unit"] = _("Choose a school where you may report hazards.")
        elif values["on_spot"]:
            errors = _on_spot_errors(request.POST, request.FILES)
        if not errors:
            data = {k: request.POST.get(k, "") for k in FIELDS}
            try:
                hazard, created = services.report(school, actor=user, data=data,
                                                  photos=request.FILES.getlist("photos"))  # fmt: skip
            except (DomainError, PermissionDenied) as exc:
                errors = error_dict(exc, SHOWN)
            else:
                return _after_report(request, hazard, created, values["on_spot"])
    return render(
        request,
        "hazards/report.html",
        {
            "schools": schools,
            "school": school,
            "values": values,
            "errors": errors,
            "categories": Category.choices,
            "grades": Grade.choices,
            "sources": [
                (v, label) for v, label in Source.choices if v != Source.BUREAU or values["source"] == v
            ],
            "locations": locations_of(school) if school else [],
            "risk_points": risk_points_of(school) if school else [],
            "areas": areas_of(school) if school else [],
            "breadcrumbs": [home_crumb(), {"label": _("Report a hazard")}],
        },
        status=400 if errors else 200,
    )


def _after_report(request: HttpRequest, hazard: Any, created: bool, on_spot: bool) -> HttpResponse:
    if not created:
        messages.info(request, _("This report was already received: %(number)s.") % {"number": hazard.number})
        return redirect("hazards:detail", hazard.pk)
    if on_spot and hazard.status == Status.REPORTED:
        try:
            services.act(hazard, actor=request.user, action="close_on_spot",
                         data={"note": request.POST.get("spot_note", "")},
                         photos=request.FILES.getlist("spot_photos"))  # fmt: skip
        except (DomainError, PermissionDenied) as exc:
            messages.warning(
                request,
                _("Hazard %(number)s reported, but not closed on the spot: %(error)s")
                % {"number": hazard.number, "error": next(iter(error_dict(exc).values()))},
            )
            return redirect("hazards:detail", hazard.pk)
        messages.success(
            request, _("Hazard %(number)s reported and closed on the spot.") % {"number": hazard.number}
        )
        return redirect("hazards:detail", hazard.pk)
    messages.success(request, _("Hazard %(number)s reported. Thank you.") % {"number": hazard.number})
    return redirect("hazards:detail", hazard.pk)
