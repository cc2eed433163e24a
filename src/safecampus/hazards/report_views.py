"""Reporting a hazard from a phone, photo first. A hidden client id (made by the page's script)
makes a double tap or a resubmission register one hazard and keeps the chosen photos when the
form comes back with errors; "fixed on the spot" closes it at once with evidence (立查立改)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecampus.core import ranking
from safecampus.core.errors import DomainError
from safecampus.core.models import Unit
from safecampus.risks.models import Category

from . import pending, services
from .forms import (
    areas_of,
    default_source,
    error_dict,
    locations_of,
    report_school,
    report_schools,
    risk_points_of,
)
from .models import Grade, PendingKind, Source, Status
from .views import home_crumb

FIELDS = ("category", "location", "description", "grade", "source", "risk_point", "area", "client_id")
SHOWN = (*FIELDS, "photos", "unit", "on_spot", "spot_photos", "spot_note")


SELECT_MAX = 50  # more schools than this: the school is searched, not picked from a list


def _school(request: HttpRequest, user: Any, schools: list[Unit]) -> Unit | None:
    wanted = request.POST.get("unit") or request.GET.get("unit") or ""
    chosen = report_school(user, wanted) if wanted else None
    if request.method == "GET" and wanted and chosen is None:
        raise Http404  # the form asked for a school the user may not report for (or none at all)
    if len(schools) == 1:
        return schools[0]
    return chosen


def _report_link(school: Unit) -> str:
    return f"{reverse('hazards:report')}?unit={school.pk}"


def _on_spot_errors(post: Any, has_photos: bool) -> dict[str, str]:
    """What an on-the-spot fix needs, checked before anything is registered."""
    errors = {}
    if post.get("grade") == Grade.MAJOR:
        errors["on_spot"] = _("A major hazard cannot be closed on the spot.")
    if not (post.get("spot_note") or "").strip():
        errors["spot_note"] = _("Describe what was done.")
    if not has_photos:
        errors["spot_photos"] = _("Add at least one photo of the result.")
    return errors


def _photos(request: HttpRequest, client_id: uuid.UUID) -> tuple[dict[str, list], dict[str, list], dict]:
    """The form's photos by field: those kept from an earlier try (less the removed ones) and the
    newly chosen ones (checked and encoded), with an error per field for a bad or extra photo."""
    user = request.user
    pending.drop(user, client_id, request.POST.getlist("drop_photo") + request.POST.getlist("remove_photo"))
    kept = pending.kept(user, client_id)
    new, errors = {}, {}
    for kind in PendingKind.values:
        new[kind], error = pending.encode_new(request.FILES.getlist(kind), already=len(kept[kind]))
        if error:
            errors[kind] = error
    return kept, new, errors


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The report form. Every field is checked at once; the photos of a form that comes back
    with errors are kept (`hazards.pending`) and shown again, so nobody chooses them twice."""
    user = request.user
    schools = report_schools(user, limit=SELECT_MAX)
    if not schools:
        raise Http404
    school = _school(request, user, schools)
    search = len(schools) > SELECT_MAX
    errors: dict[str, str] = {}
    kept: dict[str, list] = {}
    values: dict[str, Any] = {"grade": Grade.GENERAL, "source": default_source(user, school or schools[0])}
    if request.method == "POST":
        values.update({k: request.POST.get(k, "") for k in (*FIELDS, "spot_note")})
        values["on_spot"] = bool(request.POST.get("on_spot"))
        client_id = pending.parse_client_id(values["client_id"]) or uuid.uuid4()
        values["client_id"] = str(client_id)
        kept, new, errors = _photos(request, client_id)
        found = [*pending.as_media(kept[PendingKind.FOUND]), *new[PendingKind.FOUND]]
        spot = [*pending.as_media(kept[PendingKind.SPOT]), *new[PendingKind.SPOT]]
        if school is None:
            errors["unit"] = _("Choose a school where you may report hazards.")
        if values["on_spot"]:
            errors.update(_on_spot_errors(request.POST, bool(spot) or PendingKind.SPOT in errors))
        data = {k: values[k] for k in FIELDS}
        if "remove_photo" in request.POST:  # a photo removed without the page's script: the form again
            errors = {k: v for k, v in errors.items() if k in PendingKind.values}
        elif errors:
            errors = {**_field_errors(school, user, data), **errors}
        else:
            try:
                hazard, created = services.report(school, actor=user, data=data, photos=found)
            except (DomainError, PermissionDenied) as exc:
                errors = error_dict(exc, SHOWN)
            else:
                pending.drop(user, client_id, every=True)
                return _after_report(request, hazard, created, values["on_spot"], spot)
        for kind in PendingKind.values:
            kept[kind] += pending.keep(user, client_id, kind, new[kind])
    return render(
        request,
        "hazards/report.html",
        {
            "schools": [] if search else schools,
            "school": school,
            "search_school": search,
            **(ranking.search_context(request, user, None, _report_link) if search else {}),
            "values": values,
            "errors": errors,
            "kept": kept,
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


def _field_errors(school: Unit | None, user: Any, data: dict[str, Any]) -> dict[str, str]:
    """The fields' own errors, shown together with the form's other errors."""
    try:
        services.clean_report(school, actor=user, data=data)
    except DomainError as exc:
        return error_dict(exc, SHOWN)
    return {}


def _after_report(
    request: HttpRequest, hazard: Any, created: bool, on_spot: bool, spot: list[Any]
) -> HttpResponse:
    if not created:
        messages.info(request, _("This report was already received: %(number)s.") % {"number": hazard.number})
        return redirect("hazards:detail", hazard.pk)
    if on_spot and hazard.status == Status.REPORTED:
        try:
            services.act(hazard, actor=request.user, action="close_on_spot",
                         data={"note": request.POST.get("spot_note", "")},
                         photos=spot)  # fmt: skip
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


@login_required
def kept_photo(request: HttpRequest, kept_id: int) -> HttpResponse:
    """A photo kept from a report form that came back with errors, for the person who chose it."""
    return pending.serve_kept(request, kept_id)
