"""Compliance pages (mounted at /training/compliance/): who is behind at a unit or class, counts
per child unit, reminders, and a person's annual record — each also as an Excel workbook.

Reading needs `training.view_progress` at the unit (or being the class's head teacher), through
`stats.access.place_for`; a person's record is for themselves and those who may watch them
(`person_record.person_for`). Everything else answers 404 alike.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.models import UnitKind
from safecampus.core.places import Place, can_view_unit, default_place, place_from

from . import compliance, compliance_xlsx, person_record, reminders

MAX_LISTED = 300  # rows shown on the page; the workbook has them all


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _place(request: HttpRequest, data: Any) -> Place:
    """The place asked for, or the user's own (the active unit first); 404 when there is none."""
    if data.get("unit"):
        return place_from(request.user, data)
    try:
        return default_place(request.user, highest=False)
    except PermissionDenied:
        raise Http404 from None


def _year(request: HttpRequest) -> int:
    try:
        return person_record.year_param(request.GET.get("year"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return timezone.localdate().year


def _query(place: Place, **extra: Any) -> str:
    q: dict[str, Any] = {"unit": place.unit.code}
    if place.school_class is not None:
        q["class"] = place.school_class.pk
    elif place.grade is not None:
        q["grade"] = place.grade.pk
    q.update({k: v for k, v in extra.items() if v})
    return urlencode(q)


def _crumbs(user: Any, place: Place) -> list[dict]:
    crumbs = []
    unit = place.unit
    if place.whole_unit:
        for node in [*unit.get_ancestors(), unit]:
            link = can_view_unit(user, node) and (node != unit or place.grade or place.school_class)
            url = f"{reverse('compliance:page')}?{urlencode({'unit': node.code})}" if link else None
            crumbs.append({"label": node.name, "url": url})
    else:
        crumbs.append({"label": unit.name})
    if place.grade is not None and place.school_class is None:
        crumbs.append({"label": str(place.grade)})
    if place.school_class is not None:
        crumbs.append({"label": str(place.school_class)})
    return [{"label": _("Training compliance")}, *crumbs]


@login_required
def page(request: HttpRequest) -> HttpResponse:
    place = _place(request, request.GET)
    year = _year(request)
    rep = compliance.report(request.user, place, year)
    staff_behind = rep.staff_behind
    students_behind = rep.students.behind
    interval = rep.students.boards[0].interval if rep.students.boards else None
    return render(
        request,
        "stats/compliance.html",
        {
            "rep": rep,
            "place": place,
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            "query": _query(place),
            "staff_listed": sorted(
                rep.staff if place.unit.kind == UnitKind.SCHOOL else staff_behind,
                key=lambda r: (not r.behind, r.requirement is None, r.school.path, r.name),
            )[:MAX_LISTED],
            "staff_all_listed": place.unit.kind == UnitKind.SCHOOL,
            "staff_behind": staff_behind,
            "students_behind": students_behind[:MAX_LISTED],
            "students_behind_count": len(students_behind),
            "interval": interval,
            "percent_of_year": round(100 * rep.fraction),
            "can_remind": (place.grade is None or place.school_class is not None)
            and reminders.may_remind(request.user, place.unit, place.school_class),
            "breadcrumbs": _crumbs(request.user, place),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    place = _place(request, request.GET)
    try:
        year = person_record.year_param(request.GET.get("year"))
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
    return compliance_xlsx.report_xlsx(compliance.report(request.user, place, year))


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    """Send this week's reminders now (the weekly job would send the same, once)."""
    if not request.POST.get("unit"):
        raise Http404
    place = _place(request, request.POST)
    if place.grade is not None and place.school_class is None:
        raise Http404
    try:
        sent = reminders.remind_behind(place.unit, request.user, school_class=place.school_class)
    except PermissionDenied:
        raise Http404 from None
    if sent.notifications:
        messages.success(
            request,
            ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", sent.notifications)
            % {"n": sent.notifications},
        )
    else:
        messages.info(request, _("Nothing new to send: everyone behind has had this week's reminder."))
    return redirect(f"{reverse('compliance:page')}?{_query(place)}")


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    who = person_record.person_for(request.user, user_id)
    year = _year(request)
    record = person_record.annual_record(request.user, who, year)
    crumbs = (
        [{"label": _("Training compliance"), "url": reverse("compliance:page")}]
        if who != request.user
        else []
    )
    return render(
        request,
        "stats/compliance_person.html",
        {
            "record": record,
            "who": who,
            "years": person_record.years_of(request.user, who),
            "max_month": max(record.months) or 1,
            "breadcrumbs": [*crumbs, {"label": who.name or who.username}, {"label": str(year)}],
        },
    )


@login_required
def person_export(request: HttpRequest, user_id: int) -> HttpResponse:
    who = person_record.person_for(request.user, user_id)
    try:
        year = person_record.year_param(request.GET.get("year"))
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
    return compliance_xlsx.record_xlsx(person_record.annual_record(request.user, who, year))
