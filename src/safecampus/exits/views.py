"""Exit-pass pages (mobile first): the home page (the head teacher's requests to approve, a
parent's children's passes, the school's passes of the day for the gate and the managers), the
request form, the pass page with its QR code, the decisions, and the guard's check page.
Reading goes through `exits.queries`; views parse input and call the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access, audit
from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm, Role
from safecampus.roster.models import Student, StudentStatus
from safecampus.roster.slips import qr_data_uri

from . import gate, queries, services
from .forms import ExitRequestForm, apply_errors
from .models import ExitPass, ExitStatus
from .status import BADGE, effective


def decorate(rows: list[ExitPass], now: dt.datetime | None = None) -> list[ExitPass]:
    now = now or timezone.now()
    for p in rows:
        p.shown_status = effective(p, now)
        p.shown_label = ExitStatus(p.shown_status).label
        p.badge = BADGE[p.shown_status]
    return rows


def requestable(user: Any) -> list[Student]:
    """The pupils the user may ask a leave for: those of the classes they head, their children."""
    qs = Student.objects.visible_to(user).filter(status=StudentStatus.ENROLLED, school_class__isnull=False)
    mine = qs.none()
    if access.memberships(user, role=Role.HEAD_TEACHER):
        mine = mine | qs.filter(school_class__head_teacher=user)
    if access.memberships(user, role=Role.PARENT):
        mine = mine | qs.filter(guardians__parent=user)
    rows = list(
        mine.select_related("school_class__grade", "unit").distinct().order_by("school_class", "name")
    )
    return [s for s in rows if services.requester_role(user, s)]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    gate_school = access.home_unit(user, Perm.VIEW_GATE)
    if gate_school is not None and gate_school.is_bureau:
        gate_school = None
    heads = bool(access.memberships(user, role=Role.HEAD_TEACHER))
    parent = bool(access.memberships(user, role=Role.PARENT))
    if gate_school is None and not heads and not parent:
        raise Http404
    now, day = timezone.now(), timezone.localdate()
    context: dict[str, Any] = {"now": now, "day": day, "can_request": heads or parent}
    if heads:
        context["to_approve"] = decorate(list(queries.to_approve(user).order_by("window_from")), now)
        context["my_class"] = decorate(
            list(
                queries.on_day(queries.passes_for(user), day)
                .filter(student__school_class__head_teacher=user)
                .exclude(status=ExitStatus.PENDING)
                .order_by("window_from")
            ),
            now,
        )
    if parent:
        context["children"] = decorate(
            list(queries.passes_for(user).filter(student__guardians__parent=user).distinct()[:30]), now
        )
    if gate_school is not None:
        context["school"] = gate_school
        context["works_gate"] = access.holds_at(user, Perm.WORK_GATE, gate_school)
        context["today"] = decorate(
            list(
                queries.on_day(queries.passes_for(user).filter(unit=gate_school), day)
                .exclude(status__in=[ExitStatus.PENDING, ExitStatus.DECLINED, ExitStatus.CANCELLED])
                .order_by("window_from")
            ),
            now,
        )
    return render(request, "exits/home.html", context)


def _initial_window() -> tuple[str, str]:
    now = timezone.localtime()
    start = now.replace(minute=(now.minute // 15) * 15, second=0, microsecond=0)
    end = max(start + dt.timedelta(hours=2), start.replace(hour=17, minute=0))
    end = min(end, start.replace(hour=23, minute=45))
    return f"{start:%Y-%m-%dT%H:%M}", f"{end:%Y-%m-%dT%H:%M}"


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    """A head teacher's pass is approved at once (asked and approved, two audit events); a
    parent's waits for the head teacher."""
    user = request.user
    students = requestable(user)
    if not students:
        raise Http404
    if request.method == "POST":
        form = ExitRequestForm(request.POST, students=students)
        if form.is_valid():
            data = {
                "student_id": form.cleaned_data["student"],
                "kind": form.cleaned_data["kind"],
                "reason": form.cleaned_data["reason"],
                "from": form.cleaned_data["window_from"],
                "until": form.cleaned_data["window_until"],
                "client_id": str(form.cleaned_data["client_id"]),
            }
            try:
                p, _created = services.request_exit(user, data)
                if p.status == ExitStatus.PENDING and services.may(user, p, "approve"):
                    p = services.decide(p, actor=user, approve=True)
                    messages.success(request, _("The pass is approved: show its code at the gate."))
                else:
                    messages.success(request, _("The request was sent to the head teacher."))
                return redirect("exits:detail", p.pk)
            except PermissionDenied:
                form.add_error("student", _("You may ask a leave only for your own pupils or children."))
            except DomainError as exc:
                apply_errors(form, exc)
    else:
        start, end = _initial_window()
        first = request.GET.get("student")
        form = ExitRequestForm(
            students=students,
            initial={"window_from": start, "window_until": end, "student": first if first else None},
        )
    return render(request, "exits/new.html", {"form": form, "students": students})


@login_required
def detail(request: HttpRequest, exit_id: int) -> HttpResponse:
    user = request.user
    p = queries.get_pass_for(user, exit_id)
    decorate([p])
    shows_code = p.shown_status in (ExitStatus.APPROVED, ExitStatus.OUT)
    context = {
        "p": p,
        "qr": qr_data_uri(p.code) if shows_code else None,
        "can_decide": p.shown_status == ExitStatus.PENDING and services.may(user, p, "approve"),
        "can_cancel": p.shown_status in (ExitStatus.PENDING, ExitStatus.APPROVED)
        and services.may(user, p, "cancel"),
        "works_gate": access.holds_at(user, Perm.WORK_GATE, p.unit),
        "timeline": audit.timeline_for(p, user),
    }
    return render(request, "exits/detail.html", context)


def _act(request: HttpRequest, exit_id: int, fn: Any, done: str) -> HttpResponse:
    p = queries.get_pass_for(request.user, exit_id)
    try:
        fn(p)
        messages.success(request, done)
    except PermissionDenied:
        return HttpResponse(_("Only the head teacher of the pupil's class may decide."), status=403)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("exits:detail", p.pk)


@login_required
@require_POST
def approve(request: HttpRequest, exit_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(
        request,
        exit_id,
        lambda p: services.decide(p, actor=request.user, approve=True, note=note),
        _("Approved."),
    )


@login_required
@require_POST
def decline(request: HttpRequest, exit_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(
        request,
        exit_id,
        lambda p: services.decide(p, actor=request.user, approve=False, note=note),
        _("Declined."),
    )


@login_required
@require_POST
def cancel(request: HttpRequest, exit_id: int) -> HttpResponse:
    return _act(
        request, exit_id, lambda p: services.cancel(p, actor=request.user), _("The pass is cancelled.")
    )


@login_required
def check(request: HttpRequest) -> HttpResponse:
    """The guard's check: GET judges the code (nothing recorded); POST records the exit or the
    return the verdict allows, and shows the outcome."""
    user = request.user
    school = access.home_unit(user, Perm.WORK_GATE)
    if school is None or school.is_bureau:
        raise Http404
    code = services.normalise_code(request.POST.get("code") or request.GET.get("code") or "")
    verdict, error = None, ""
    if code:
        try:
            verdict = gate.check_code(user, school, code, record=request.method == "POST")
        except DomainError as exc:
            error = str(exc.message)
    elif request.method == "POST" or "code" in request.GET:
        error = _("Enter the pass code.")
    shown = (
        verdict.exit_pass
        if verdict and verdict.exit_pass and verdict.exit_pass.unit_id == school.pk
        else None
    )
    context = {"school": school, "code": code, "verdict": verdict, "error": error, "shown": shown}
    return render(request, "exits/check.html", context, status=400 if error else 200)
