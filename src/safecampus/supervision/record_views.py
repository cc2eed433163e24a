"""Bureau forms: list a hazard for supervision, lift a listing, record an interview or a sanction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.ui import run_service
from safecampus.hazards.queries import get_hazard_for

from . import queries, records, services
from .forms import PENALTY_MEASURES, InterviewForm, LiftForm, ListForm, SanctionForm
from .models import ListedSupervision
from .views import choose_school, crumbs


def _form_page(
    request: HttpRequest, form: Any, *, title: str, unit: Any, back: str, **extra: Any
) -> HttpResponse:
    return render(request, "supervision/form.html", {
        "form": form, "title": title, "unit": unit, "back": back,
        "breadcrumbs": crumbs(unit, {"label": title}), **extra,
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
def list_hazard(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = get_hazard_for(request.user, hazard_id)
    if not queries.can_supervise(request.user, hazard.unit):
        raise PermissionDenied
    form = ListForm(request.POST or None, initial={"deadline": hazard.deadline})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.list_hazard(hazard, actor=request.user, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("%(number)s is listed for supervision.") % {"number": hazard.number})
            return redirect("supervision:school", hazard.unit_id)
    return _form_page(request, form, title=_("List for supervision"), unit=hazard.unit,
                      back=reverse("hazards:detail", args=[hazard.pk]), hazard=hazard)  # fmt: skip


@login_required
def lift(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = queries.get_for(request.user, ListedSupervision, listing_id)
    if not queries.can_supervise(request.user, listing.unit):
        raise PermissionDenied
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.lift_listing(listing, actor=request.user, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("Supervision lifted."))
            return redirect("supervision:school", listing.unit_id)
    return _form_page(request, form, title=_("Lift the supervision"), unit=listing.unit,
                      back=reverse("supervision:school", args=[listing.unit_id]),
                      hazard=listing.hazard, listing=listing)  # fmt: skip


def _school_and_hazards(request: HttpRequest) -> tuple[Any, list[Any]]:
    value = request.GET.get("school")
    if not value:
        raise Http404
    school = queries.supervised_school(request.user, value)
    return school, list(queries.open_hazards(request.user, school))


def _choose(request: HttpRequest, name: str, title: str) -> HttpResponse | None:
    if request.GET.get("school"):
        return None
    return choose_school(request, reverse(name), title)


@login_required
def interview_new(request: HttpRequest) -> HttpResponse:
    title = _("Record an interview")
    chooser = _choose(request, "supervision:interview_new", title)
    if chooser is not None:
        return chooser
    school, hazards = _school_and_hazards(request)
    initial = {"date": timezone.localdate(), "hazard": request.GET.get("hazard", "")}
    form = InterviewForm(request.POST or None, hazards=hazards, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "people": form.people_rows()}
        if (
            run_service(form, lambda: records.record_interview(school, actor=request.user, data=data))
            is not None
        ):
            messages.success(request, _("Interview recorded."))
            return redirect("supervision:school", school.pk)
    return _form_page(
        request, form, title=title, unit=school, back=reverse("supervision:school", args=[school.pk])
    )


@login_required
def sanction_new(request: HttpRequest) -> HttpResponse:
    title = _("Record a notice or penalty")
    chooser = _choose(request, "supervision:sanction_new", title)
    if chooser is not None:
        return chooser
    school, hazards = _school_and_hazards(request)
    initial = {"date": timezone.localdate(), "hazard": request.GET.get("hazard", ""), "kind": "notice"}
    form = SanctionForm(request.POST or None, hazards=hazards, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: records.record_sanction(school, actor=request.user, data=form.cleaned_data)
        )
    ):
        messages.success(request, _("Decision recorded."))
        return redirect("supervision:school", school.pk)
    back = reverse("supervision:school", args=[school.pk])
    return _form_page(request, form, title=title, unit=school, back=back, measures=PENALTY_MEASURES)
