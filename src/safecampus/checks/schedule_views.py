"""Schedule pages (mounted at /checks/): a unit's schedules (a school's routines, or a bureau's
special checks for its area) with each rule described on the unit's calendar, the new/edit form
and the pause / resume / retire buttons. Views read through `task_queries` and write through
`schedules`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import audit, places
from safecampus.core.errors import DomainError
from safecampus.core.models import Membership
from safecampus.core.roles import Perm
from safecampus.schoolcal.calendar import calendar_for
from safecampus.schoolcal.recurrence import describe

from . import schedules
from . import task_queries as queries
from .models import ChecklistTemplate
from .queries import usable_at
from .schedule_forms import ScheduleForm, initial_for


def _crumbs(unit: Any, *extra: dict) -> list[dict]:
    return [
        {"label": _("Checklists"), "url": reverse("checks:library")},
        {"label": _("Schedules"), "url": reverse("checks:schedules", args=[unit.pk])},
        *extra,
    ]


def _templates(unit: Any) -> list[ChecklistTemplate]:
    qs = usable_at(unit).select_related("unit")
    return list(qs.order_by("unit__depth", "kind", "code"))


def _people(unit: Any) -> list:
    rows = Membership.objects.filter(unit=unit, is_active=True, user__is_active=True).select_related("user")
    return sorted(
        {m.user.pk: m.user for m in rows if m.role not in ("student", "parent")}.values(),
        key=lambda u: u.name or u.username,
    )


@login_required
def schedule_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = places.unit_for(request.user, Perm.VIEW_CHECKS, pk=unit_id)
    cal = calendar_for(unit)
    rows = [
        (s, describe(s.rule, cal))
        for s in queries.schedules_of(request.user, unit, retired=request.GET.get("retired") == "1")
    ]
    return render(
        request,
        "checks/schedules.html",
        {
            "unit": unit,
            "rows": rows,
            "can_manage": schedules.may_manage_schedules(request.user, unit),
            "breadcrumbs": [*_crumbs(unit)[:1], {"label": _("Schedules")}],
        },
    )


def _form_page(request: HttpRequest, unit: Any, schedule: Any = None) -> HttpResponse:
    if not schedules.may_manage_schedules(request.user, unit):
        raise Http404
    area = unit.is_bureau
    kw = {
        "templates": _templates(unit),
        "slots": calendar_for(unit).slots(),
        "people": [] if area else _people(unit),
        "area": area,
    }
    if request.method == "POST":
        form = ScheduleForm(request.POST, **kw)
        if form.is_valid():
            try:
                if schedule is None:
                    schedule = schedules.create_schedule(
                        unit, actor=request.user, data=form.data_for_service()
                    )
                else:
                    schedules.update_schedule(schedule, actor=request.user, data=form.data_for_service())
            except DomainError as exc:
                name = (exc.field or "").split(".")[-1]
                form.add_error(name if name in form.fields else None, str(exc.message))
            else:
                messages.success(request, _("Schedule saved."))
                return redirect("checks:schedules", unit_id=unit.pk)
    else:
        form = ScheduleForm(initial=initial_for(schedule) if schedule else None, **kw)
    title = _("Special check for the whole area") if area else _("New schedule")
    if schedule is not None:
        title = schedule.title
    return render(
        request,
        "checks/schedule_form.html",
        {
            "form": form,
            "unit": unit,
            "schedule": schedule,
            "area": area,
            "page_title": title,
            "timeline": audit.timeline_for(schedule, request.user)[:20] if schedule else [],
            "breadcrumbs": _crumbs(unit, {"label": title}),
        },
    )


@login_required
def schedule_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = places.unit_for(request.user, Perm.VIEW_CHECKS, pk=unit_id)
    return _form_page(request, unit)


@login_required
def schedule_edit(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = queries.get_schedule_for(request.user, schedule_id)
    return _form_page(request, schedule.unit, schedule)


@login_required
@require_POST
def schedule_status(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = queries.get_schedule_for(request.user, schedule_id)
    try:
        schedules.set_status(schedule, actor=request.user, action=str(request.POST.get("action", "")))
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("checks:schedules", unit_id=schedule.unit_id)
