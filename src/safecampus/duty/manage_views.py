"""Managing rosters (the school's safety office, principal, admin): the rota generator form, the
rotas of a school (generate again: idempotent) and the swaps with approve / reject."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError

from . import queries, rotas, services, swaps
from .models import KIND_SLOTS, Kind, Rotation, Slot, SwapStatus
from .views import _fail

PEOPLE_FIELDS = 8
WEEKDAYS = [
    (1, gettext_lazy("Mon")),
    (2, gettext_lazy("Tue")),
    (3, gettext_lazy("Wed")),
    (4, gettext_lazy("Thu")),
    (5, gettext_lazy("Fri")),
    (6, gettext_lazy("Sat")),
    (7, gettext_lazy("Sun")),
]


def _school(request: HttpRequest, code: Any) -> Any:
    unit, whole = queries.reader_unit(request.user, code)
    if not whole or unit.is_bureau or not services.may_manage(request.user, unit):
        raise Http404
    return unit


def _staff(unit: Any) -> list[Any]:
    from safecampus.accounts.models import User

    return list(User.objects.filter(pk__in=services.staff_ids(unit)).order_by("name"))


@login_required
def rota_new(request: HttpRequest) -> HttpResponse:
    unit = _school(request, request.POST.get("unit") or request.GET.get("unit"))
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    values: dict[str, Any] = {
        "kind": Kind.LEADERSHIP,
        "slot": Slot.FULL_DAY,
        "rotation": Rotation.WEEKLY,
        "post": "",
        "starts_on": monday.isoformat(),
        "ends_on": (monday + dt.timedelta(days=27)).isoformat(),
        "weekdays": [1, 2, 3, 4, 5],
        "people": [],
    }
    error = None
    if request.method == "POST":
        post = request.POST
        kind = post.get("kind", "")
        values = {
            "kind": kind,
            "slot": post.get(f"slot_{kind}") or post.get("slot", ""),
            "rotation": post.get("rotation", ""),
            "post": post.get("post", ""),
            "starts_on": post.get("starts_on", ""),
            "ends_on": post.get("ends_on", ""),
            "weekdays": [int(d) for d in post.getlist("weekdays") if d.isascii() and d.isdigit()],
            "people": [p for p in post.getlist("people") if p],
        }
        try:
            rota, created = rotas.create_rota(unit, actor=request.user, **values)
        except (DomainError, PermissionDenied) as exc:
            error = exc
        else:
            messages.success(
                request,
                ngettext("Rota saved: %(n)s shift planned.", "Rota saved: %(n)s shifts planned.", created)
                % {"n": created},
            )
            week = max(rota.starts_on, today).isoformat()
            return redirect(f"{reverse('duty:roster')}?{urlencode({'unit': unit.code, 'week': week})}")
    people = [str(p) for p in values["people"]] + [""] * PEOPLE_FIELDS
    return render(
        request,
        "duty/rota_form.html",
        {
            "unit": unit,
            "values": values,
            "error": error,
            "staff": _staff(unit),
            "people_fields": people[: max(PEOPLE_FIELDS, len(values["people"]))],
            "kinds": Kind.choices,
            "kind_slots": [(k, [(s, Slot(s).label) for s in KIND_SLOTS[k]]) for k in Kind.values],
            "rotations": Rotation.choices,
            "weekday_choices": WEEKDAYS,
            "breadcrumbs": [
                {"label": _("Duty rosters"), "url": reverse("duty:roster")},
                {"label": _("New rota")},
            ],
        },
    )


@login_required
def rota_list(request: HttpRequest) -> HttpResponse:
    unit = _school(request, request.GET.get("unit"))
    items = list(queries.rotas_at(request.user, unit).select_related("created_by"))
    from safecampus.accounts.models import User

    names = dict(User.objects.filter(pk__in={p for r in items for p in r.people}).values_list("pk", "name"))
    rows = [(r, [names.get(p, "?") for p in r.people]) for r in items]
    return render(
        request,
        "duty/rotas.html",
        {
            "unit": unit,
            "rows": rows,
            "breadcrumbs": [
                {"label": _("Duty rosters"), "url": reverse("duty:roster")},
                {"label": _("Rotas")},
            ],
        },
    )


@login_required
@require_POST
def rota_generate(request: HttpRequest, rota_id: int) -> HttpResponse:
    rota = queries.get_rota_for(request.user, rota_id)
    try:
        n = rotas.generate(rota, actor=request.user)
        messages.success(
            request, ngettext("%(n)s new shift planned.", "%(n)s new shifts planned.", n) % {"n": n}
        )
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(f"{reverse('duty:rotas')}?{urlencode({'unit': rota.unit.code})}")


@login_required
def swap_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit, whole = queries.reader_unit(user, request.GET.get("unit"))
    status = request.GET.get("status", "")
    status = status if status in SwapStatus.values else ""
    items = list(queries.swaps_at(user, unit, status)[:200])
    manage = whole and services.may_manage(user, unit)
    return render(
        request,
        "duty/swaps.html",
        {
            "unit": unit,
            "items": items,
            "status": status,
            "statuses": SwapStatus.choices,
            "manage": manage,
            "breadcrumbs": [
                {"label": _("Duty rosters"), "url": reverse("duty:roster")},
                {"label": _("Shift swaps")},
            ],
        },
    )


@login_required
@require_POST
def swap_decide(request: HttpRequest, swap_id: int, action: str) -> HttpResponse:
    swap = queries.get_swap_for(request.user, swap_id)
    try:
        swaps.decide_swap(swap, actor=request.user, action=action, note=request.POST.get("note", ""))
        messages.success(request, _("Swap approved.") if action == "approve" else _("Swap rejected."))
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(f"{reverse('duty:swaps')}?{urlencode({'unit': swap.unit.code})}")


@login_required
@require_POST
def shift_new(request: HttpRequest) -> HttpResponse:
    """A manager plans one shift from the roster page."""
    unit = _school(request, request.POST.get("unit"))
    post = request.POST
    kind, _sep, slot = str(post.get("kind_slot") or post.get("kind") or "").partition(":")
    try:
        shift = services.create_shift(
            unit,
            actor=request.user,
            kind=kind,
            slot=slot or post.get("slot") or None,
            date=post.get("date"),
            person=post.get("person"),
            post=post.get("post", ""),
        )
        messages.success(request, _("Shift planned."))
        week = shift.date.isoformat()
    except (DomainError, PermissionDenied) as exc:
        _fail(request, exc)
        week = timezone.localdate().isoformat()
    return redirect(f"{reverse('duty:roster')}?{urlencode({'unit': unit.code, 'week': week})}")
