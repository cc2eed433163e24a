"""Pickup pages (mounted at /gate/pickups/): a parent's "who may pick up my child", the dismissal
page of a class (head teacher) or a school (guard) with the pupils still waiting, a pupil's pickup
page with photos and one-tap "picked up by …", and today's pickups."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access
from safecampus.core.errors import DomainError, InvalidFields
from safecampus.core.files.serve import serve_file
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm
from safecampus.roster.models import Student, StudentStatus

from . import queries, services

LIMIT = 500


def _errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, InvalidFields):
        return exc.errors
    return {exc.field or "__all__": str(exc.message)}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = access.home_unit(user, Perm.WORK_GATE)
    if unit is not None:
        return redirect("pickups:dismissal", unit.pk)
    taught = list(access.teaching().classes(user).select_related("unit"))
    if taught:
        return redirect(f"{_url('pickups:dismissal', taught[0].unit_id)}?class={taught[0].pk}")
    children = list(queries.children_of(user))
    if len(children) == 1:
        return redirect("pickups:child", children[0].pk)
    if not children:
        raise Http404
    return render(request, "pickups/children.html", {"children": children})


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


@login_required
def child(request: HttpRequest, student_id: int) -> HttpResponse:
    """A parent's page: who may pick up my child; add (photo, relation, expiry) and revoke."""
    student = queries.student_for(request.user, student_id)
    parent = queries.is_guardian(request.user, student)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        if not parent:
            raise PermissionDenied
        values = request.POST.dict()
        try:
            services.add_person(student, actor=request.user, data=values, photo=request.FILES.get("photo"))
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("The person may now pick up %(pupil)s.") % {"pupil": student.name})
            return redirect("pickups:child", student.pk)
    today = timezone.localdate()
    people = queries.authorised(student, today, include_inactive=True)
    recent = student.pickups.select_related("recorded_by").order_by("-at")[:20]
    return render(
        request,
        "pickups/child.html",
        {
            "student": student,
            "people": people,
            "parent": parent,
            "errors": errors,
            "values": values,
            "client_id": uuid.uuid4(),
            "today": today,
            "recent": recent,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, person_id: int) -> HttpResponse:
    person = queries.person_for(request.user, person_id)
    try:
        services.revoke_person(person, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("%(name)s may no longer pick up the pupil.") % {"name": person.name})
    return redirect("pickups:child", person.student_id)


@login_required
def photo(request: HttpRequest, person_id: int) -> HttpResponse:
    person = queries.person_for(request.user, person_id)
    name = person.photo.name
    png = name.endswith(".png")
    return serve_file(
        request,
        person.photo,
        content_type="image/png" if png else "image/jpeg",
        filename=f"pickup-person-{person.pk}.{'png' if png else 'jpg'}",
        etag=f"pickup-photo-{person.pk}-{name.rsplit('/', 1)[-1]}",
    )


@login_required
def dismissal(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The dismissal page of a school (the gate) or of the classes one teaches (head teacher)."""
    user = request.user
    from safecampus.core.models import Unit

    school = Unit.objects.filter(pk=unit_id, is_active=True, kind="school").first()
    if school is None:
        raise Http404
    classes = list(queries.classes_at(user, school))
    if not classes:
        raise Http404
    chosen = next((c for c in classes if str(c.pk) == request.GET.get("class", "")), None)
    q = " ".join(str(request.GET.get("q") or "").split())[:30]
    pupils = Student.objects.filter(
        unit=school, status=StudentStatus.ENROLLED, school_class__in=[chosen] if chosen else classes
    ).select_related("school_class__grade")
    if q:
        pupils = pupils.filter(name__contains=q)
    elif chosen is None:
        # The whole school without a search: only the classes that must record every pickup.
        pupils = pupils.filter(school_class__in=[c for c in classes if services.class_must_record(c, school)])
    pupils = list(pupils.order_by("school_class__grade__level", "school_class__number", "name")[:LIMIT])
    today = timezone.localdate()
    done = services.picked_up_today(pupils, today)
    waiting = [p for p in pupils if p.pk not in done]
    picked = [(p, done[p.pk]) for p in pupils if p.pk in done]
    board = chosen is not None and services.class_must_record(chosen, school)
    log = list(queries.pickups_on(user, school, today)[:100])
    if chosen is not None:
        log = [p for p in log if p.student.school_class_id == chosen.pk]
    return render(
        request,
        "pickups/dismissal.html",
        {
            "school": school,
            "classes": classes,
            "chosen": chosen,
            "q": q,
            "waiting": waiting,
            "picked": picked,
            "board": board,
            "log": log,
            "today": today,
        },
    )


@login_required
def pupil(request: HttpRequest, student_id: int) -> HttpResponse:
    """A pupil at dismissal: the authorised people with photos; one tap records the pickup."""
    student = queries.student_for(request.user, student_id)
    if not queries.may_verify(request.user, student):
        raise Http404
    errors: dict[str, str] = {}
    result = None
    if request.method == "POST":
        try:
            result, _created = services.verify(student, actor=request.user, data=request.POST.dict())
        except DomainError as exc:
            errors = _errors(exc)
    today = timezone.localdate()
    return render(
        request,
        "pickups/pupil.html",
        {
            "student": student,
            "people": queries.authorised(student, today, include_inactive=True),
            "errors": errors,
            "result": result,
            "client_id": uuid.uuid4(),
            "today_pickups": student.pickups.filter(day=today).order_by("-at"),
            "back": f"{_url('pickups:dismissal', student.unit_id)}?class={student.school_class_id or ''}",
        },
        status=400 if errors else 200,
    )


__all__ = ["child", "dismissal", "home", "photo", "pupil", "revoke", "unit_for"]
