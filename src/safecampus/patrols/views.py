"""The guard's phone pages: today's rounds, the open round's checkpoints with ticks, the camera
scanner (the page's own: BarcodeDetector or jsQR, manual code entry as fallback; scans queue
in the browser and are sent in batches to `scans`), and an observation at a checkpoint."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core import access
from safecampus.core.errors import DomainError, InvalidFields
from safecampus.core.models import UnitKind
from safecampus.core.scoping import has_perm_at
from safecampus.risks.models import Category

from . import queries, rules, scanning, services
from .models import RoundStatus
from .perms import MANAGE, SCAN, VIEW


def crumbs(*more: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"label": _("Patrol rounds"), "url": reverse("patrols:home")}, *more]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Guards (and other school staff who scan) open today's rounds; managers the school's
    routes; a bureau its area."""
    user = request.user
    unit = access.home_unit(user, VIEW)
    if unit is None:
        raise Http404
    if unit.kind != UnitKind.SCHOOL:
        return redirect("patrols:area", unit_id=unit.pk)
    if has_perm_at(user, MANAGE, unit) and request.GET.get("view") != "guard":
        return redirect("patrols:routes", unit_id=unit.pk)
    return redirect("patrols:guard")


@login_required
def guard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not queries.guard_schools(user):
        raise Http404
    now = timezone.now()
    rounds = queries.today_rounds_for_guard(user, now)
    open_now = queries.open_now(rounds, now)
    points = queries.checkpoints_by_route({r.route_id for r in open_now})
    current = []
    for rnd in open_now:
        done = queries.scanned_ids(rnd)
        current.append(
            {"round": rnd, "points": [{"point": p, "done": p.pk in done} for p in points[rnd.route_id]]}
        )
    return render(request, "patrols/guard.html", {
        "rounds": rounds, "current": current, "now": now,
        "scan_config": {
            "endpoint": reverse("patrols:scan_post"), "csrf": get_token(request), "user": user.pk,
            "max_batch": rules.default_numbers().max_batch,
            "messages": {
                "queued": _("%(n)s scans waiting to be sent"), "saved": _("Scanned %(code)s"),
                "failed": _("The scans could not be sent; they stay queued."),
                "offline": _("Offline: the scans are kept and sent when the phone is online."),
                "refused": _("Refused"),
                "scanned": _("Scanned"), "pending": _("Scanned, not sent yet"),
                "nocamera": _("The camera cannot be opened here: type the code under the QR instead."),
            },
        },
        "manage": any(has_perm_at(user, MANAGE, s) for s in queries.guard_schools(user)),
        "breadcrumbs": crumbs({"label": _("Today's rounds")}),
    })  # fmt: skip


@login_required
@require_POST
def scan_post(request: HttpRequest) -> JsonResponse:
    """The page's scan queue, sent as a JSON array (session and CSRF token): the same service and
    the same answers as `POST /api/v1/patrols/scans`."""
    try:
        batch = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(
            {"detail": _("The request body is not valid JSON."), "field": "scans"}, status=400
        )
    try:
        results = scanning.record_scans(request.user, batch)
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.message), "field": exc.field}, status=exc.status)
    return JsonResponse(results, safe=False)


@login_required
def observe(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    """Report what was seen at a checkpoint (note, photo): it becomes a hazard."""
    point = queries.get_checkpoint_for(request.user, checkpoint_id, SCAN)
    if not has_perm_at(request.user, SCAN, point.unit):
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {k: request.POST.get(k) for k in ("note", "category", "client_id", "round")}
        try:
            obs = services.observe(
                point, actor=request.user, data=data, photos=request.FILES.getlist("photo")
            )
        except InvalidFields as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {exc.field or "note": str(exc.message)}
        else:
            return render(
                request,
                "patrols/observed.html",
                {"obs": obs, "point": point, "breadcrumbs": crumbs({"label": point.name})},
            )
    return render(request, "patrols/observe.html", {
        "point": point, "errors": errors, "categories": Category.choices, "post": request.POST,
        "round": request.GET.get("round", ""), "breadcrumbs": crumbs({"label": point.name}),
    })  # fmt: skip


def status_badge(status: str) -> str:
    return {
        RoundStatus.OPEN: "primary", RoundStatus.COMPLETE: "success",
        RoundStatus.INCOMPLETE: "warning", RoundStatus.MISSED: "danger",
    }.get(status, "secondary")  # fmt: skip


def flag_texts(rnd: Any, names: dict[int, str]) -> list[str]:
    """The round's flags in words."""
    f = rnd.flags or {}
    out = []
    if f.get("missing"):
        out.append(_("Missing: %(names)s") % {"names": "、".join(names.get(i, "?") for i in f["missing"])})
    if f.get("wrong_order"):
        out.append(_("Checkpoints scanned out of order"))
    for fast in f.get("too_fast") or []:
        a, b = names.get(fast["from"], "?"), names.get(fast["to"], "?")
        out.append(_("Too fast: %(a)s → %(b)s in %(s)s s") % {"a": a, "b": b, "s": fast["seconds"]})
    return out


def warning_for(route: Any) -> str | None:
    return rules.night_gap_warning(route, rules.numbers_for(route.unit))
