"""Duty roster pages (mounted at /duty/): the school's week roster (days × leadership / duty / gate;
on a phone a list per day), "my shift" today with take over / hand over, and one page per shift
with its handover log, patrol evidence and swap request. Rotas and swaps are in `manage_views`.
Views read through `queries` and write through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access, audit
from safecampus.core.errors import DomainError

from . import queries, services, swaps, times
from .evidence import evidence_for
from .models import KIND_SLOTS, Kind, ShiftStatus, Slot, SwapStatus
from .services import staff_ids


def _week(value: Any) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(value)) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    if not services.FIRST_DAY <= day <= services.LAST_DAY:  # the week's neighbours must exist too
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def _fail(request: HttpRequest, exc: Exception) -> None:
    message = getattr(exc, "message", None) or (
        exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
    )
    messages.error(request, str(message) or _("You do not have permission to do this."))


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit, whole = queries.reader_unit(user, request.GET.get("unit"))
    if not whole:
        return redirect("duty:today")
    monday = _week(request.GET.get("week"))
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    if unit.is_bureau:
        return _schools(request, unit, days)
    shifts = list(queries.between(user, unit, days[0], days[-1]))
    manage = services.may_manage(user, unit)
    cells = {(k, d): [] for k in Kind.values for d in days}
    for s in shifts:
        cells[(s.kind, s.date)].append(s)
    rows = [(label, kind, [(d, cells[(kind, d)]) for d in days]) for kind, label in Kind.choices]
    order = {k: i for i, k in enumerate(Kind.values)}
    ordered = sorted(shifts, key=lambda s: (order[s.kind], s.start))
    by_day = [(d, [s for s in ordered if s.date == d]) for d in days]
    base = reverse("duty:roster")
    q = {"unit": unit.code}
    return render(
        request,
        "duty/roster.html",
        {
            "unit": unit,
            "rows": rows,
            "days": days,
            "by_day": by_day,
            "today": timezone.localdate(),
            "manage": manage,
            "staff": _staff_of(unit) if manage else [],
            "kind_slots": [
                (k, label, [(s, Slot(s).label) for s in KIND_SLOTS[k]]) for k, label in Kind.choices
            ],
            "previous": f"{base}?{urlencode({**q, 'week': (monday - dt.timedelta(days=7)).isoformat()})}",
            "next": f"{base}?{urlencode({**q, 'week': (monday + dt.timedelta(days=7)).isoformat()})}",
            "this_week": f"{base}?{urlencode(q)}",
            "pending": queries.pending_swaps(user, unit).count(),
            "missed": sum(1 for s in shifts if s.status == ShiftStatus.MISSED),
            "breadcrumbs": [{"label": _("Duty rosters")}],
        },
    )


def _staff_of(unit: Any) -> list[Any]:
    from safecampus.accounts.models import User

    return list(User.objects.filter(pk__in=staff_ids(unit)).order_by("name"))


def _schools(request: HttpRequest, unit: Any, days: list[dt.date]) -> HttpResponse:
    """A bureau's view: the schools of its area with shifts this week, today's leadership shift
    and the shifts not taken over this week, each linking to the school's roster."""
    today = timezone.localdate()
    rows: dict[int, dict[str, Any]] = {}
    for s in queries.between(request.user, unit, days[0], days[-1]):
        row = rows.setdefault(s.unit_id, {"unit": s.unit, "shifts": 0, "missed": 0, "leaders": []})
        row["shifts"] += 1
        row["missed"] += s.status == ShiftStatus.MISSED
        if s.kind == Kind.LEADERSHIP and s.date == today:
            row["leaders"].append(s.person.name)
    return render(
        request,
        "duty/schools.html",
        {
            "unit": unit,
            "rows": sorted(rows.values(), key=lambda r: r["unit"].path),
            "monday": days[0],
            "breadcrumbs": [{"label": _("Duty rosters")}],
        },
    )


def _actions(shift: Any, user: Any, now: dt.datetime) -> dict[str, Any]:
    mine = shift.person_id == user.pk
    opens = times.take_over_opens(shift)
    return {
        "can_take_over": mine
        and shift.status in (ShiftStatus.PLANNED, ShiftStatus.MISSED)
        and opens <= now < shift.end,
        "opens": opens,
        "can_hand_over": mine and shift.status == ShiftStatus.ON_DUTY,
        "client_id": uuid.uuid4(),
    }


@login_required
def my_shift(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    shifts = queries.my_today(user, now)
    ev = evidence_for(shifts, user)
    cards = [{"shift": s, "evidence": ev[s.pk], **_actions(s, user, now)} for s in shifts]
    return render(
        request,
        "duty/today.html",
        {
            "cards": cards,
            "upcoming": queries.my_upcoming(user, now),
            "asked": list(queries.swaps_of(user).filter(to_person_id=user.pk, status=SwapStatus.REQUESTED)),
            "now": now,
            "roster": bool(access.home_unit(user, queries.VIEW)),
            "breadcrumbs": [{"label": _("My duty shift")}],
        },
    )


@login_required
def shift_page(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = request.user
    shift = queries.get_shift_for(user, shift_id)
    now = timezone.now()
    colleagues = []
    if shift.person_id == user.pk and shift.status == ShiftStatus.PLANNED and shift.start > now:
        from safecampus.accounts.models import User

        colleagues = list(User.objects.filter(pk__in=staff_ids(shift.unit) - {user.pk}).order_by("name"))
    manage = shift.status == ShiftStatus.PLANNED and services.may_manage(user, shift.unit)
    staff = []
    if manage:
        from safecampus.accounts.models import User

        staff = list(User.objects.filter(pk__in=staff_ids(shift.unit)).order_by("name"))
    crumbs = [{"label": _("Duty rosters"), "url": reverse("duty:roster")}, {"label": str(shift)}]
    return render(
        request,
        "duty/shift.html",
        {
            "shift": shift,
            "evidence": evidence_for([shift], user)[shift.pk],
            **_actions(shift, user, now),
            "swaps": list(queries.swaps_of(user).filter(shift=shift)),
            "colleagues": colleagues,
            "manage": manage,
            "staff": staff,
            "timeline": list(audit.timeline_for(shift, user)[:30]),
            "breadcrumbs": crumbs,
        },
    )


def _back(request: HttpRequest, shift_id: int) -> HttpResponse:
    target = request.POST.get("next")
    if target == "today":
        return redirect("duty:today")
    return redirect("duty:shift", shift_id)


def _shift_step(request: HttpRequest, shift_id: int, step: Any, done: str) -> HttpResponse:
    """Take over or hand over one's shift from its page or "my shift" (the note is optional)."""
    shift = queries.get_shift_for(request.user, shift_id)
    try:
        post = request.POST
        step(shift, actor=request.user, client_id=post.get("client_id"), note=post.get("note", ""))
        messages.success(request, done)
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
    return _back(request, shift_id)


@login_required
@require_POST
def take_over(request: HttpRequest, shift_id: int) -> HttpResponse:
    return _shift_step(request, shift_id, services.take_over, _("Shift taken over."))


@login_required
@require_POST
def hand_over(request: HttpRequest, shift_id: int) -> HttpResponse:
    return _shift_step(request, shift_id, services.hand_over, _("Shift handed over."))


@login_required
@require_POST
def request_swap(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = queries.get_shift_for(request.user, shift_id)
    try:
        swaps.request_swap(
            shift,
            actor=request.user,
            to_person=request.POST.get("to_person"),
            reason=request.POST.get("reason"),
            client_id=request.POST.get("client_id"),
        )
        messages.success(request, _("Swap requested: waiting for approval."))
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("duty:shift", shift_id)


@login_required
@require_POST
def edit_shift(request: HttpRequest, shift_id: int) -> HttpResponse:
    """A manager changes a planned shift's person or post, or removes it."""
    shift = queries.get_shift_for(request.user, shift_id)
    try:
        if request.POST.get("remove") == "1":
            week = {"unit": shift.unit.code, "week": shift.date.isoformat()}
            back = f"{reverse('duty:roster')}?{urlencode(week)}"
            services.remove_shift(shift, actor=request.user)
            messages.success(request, _("Shift removed."))
            return redirect(back)
        services.edit_shift(
            shift,
            actor=request.user,
            person=request.POST.get("person"),
            post=request.POST.get("post", shift.post),
        )
        messages.success(request, _("Shift changed."))
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("duty:shift", shift_id)
