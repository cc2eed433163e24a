"""Route pages for the school's safety office (routes, checkpoints, windows, the QR label sheet),
the rounds history of a day with flags, and the bureau's view of its child units this month."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safecampus.core import places, ranking
from safecampus.core.errors import DomainError, InvalidFields
from safecampus.core.models import UnitKind
from safecampus.core.months import month_key
from safecampus.core.pdf import pdf_response, render_pdf
from safecampus.core.scoping import has_perm_at
from safecampus.risks.models import PlanArea

from . import queries, services, stats
from .models import Checkpoint
from .perms import MANAGE, VIEW
from .views import crumbs, flag_texts, status_badge, warning_for

ROUTE_FIELDS = ("name", "windows", "round_minutes", "min_seconds_between")
ROUTE_FLAGS = ("ordered", "boarding", "active")
POINT_FIELDS = ("name", "location", "area", "order")


def _route_data(post: Any) -> dict[str, Any]:
    data = {k: post.get(k) for k in ROUTE_FIELDS}
    data.update({k: post.get(k) == "on" for k in ROUTE_FLAGS})
    return data


def _point_data(post: Any) -> dict[str, Any]:
    data = {k: post.get(k) for k in POINT_FIELDS}
    data["active"] = post.get("active", "on") == "on"
    return data


def _values(post: Any, route: Any = None) -> dict[str, Any]:
    """What the route form shows: what was sent, else the route's settings, else the defaults."""
    if post:
        return _route_data(post)
    if route is None:
        return {"ordered": True, "active": True, "round_minutes": 60}
    return {**route.snapshot(), "windows": ", ".join(route.windows)}


def _errors(exc: DomainError) -> dict[str, str]:
    return exc.errors if isinstance(exc, InvalidFields) else {exc.field or "__all__": str(exc.message)}


@login_required
def routes(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A school's routes; the safety office creates one here."""
    unit = places.unit_for(request.user, VIEW, pk=unit_id, school=True)
    can_manage = has_perm_at(request.user, MANAGE, unit)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            route = services.create_route(unit, actor=request.user, data=_route_data(request.POST))
        except DomainError as exc:
            errors = _errors(exc)
        else:
            return redirect("patrols:route", route_id=route.pk)
    items = list(queries.routes_of(request.user, unit).prefetch_related("checkpoints"))
    for r in items:
        r.warning = warning_for(r)
    return render(request, "patrols/routes.html", {
        "unit": unit, "routes": items, "can_manage": can_manage, "errors": errors,
        "values": _values(request.POST),
        "today": timezone.localdate(), "breadcrumbs": crumbs({"label": unit.name}),
    })  # fmt: skip


@login_required
def route(request: HttpRequest, route_id: int) -> HttpResponse:
    """One route: its settings, checkpoints (add, edit, retire) and the night-gap warning."""
    user = request.user
    obj = queries.get_route_for(user, route_id)
    can_manage = has_perm_at(user, MANAGE, obj.unit)
    errors: dict[str, str] = {}
    point_errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_manage:
            raise Http404
        form = request.POST.get("form")
        try:
            if form == "checkpoint":
                services.add_checkpoint(obj, actor=user, data=_point_data(request.POST))
            elif form == "edit_checkpoint":
                point = Checkpoint.objects.filter(
                    route=obj, pk=places.id_param(request.POST.get("checkpoint"))
                ).first()
                if point is None:
                    raise Http404
                services.update_checkpoint(point, actor=user, data=_point_data(request.POST))
            else:
                services.update_route(obj, actor=user, data=_route_data(request.POST))
        except DomainError as exc:
            (point_errors if form in ("checkpoint", "edit_checkpoint") else errors).update(_errors(exc))
        else:
            return redirect("patrols:route", route_id=obj.pk)
    points = list(obj.checkpoints.select_related("area").order_by("order", "id"))
    return render(request, "patrols/route.html", {
        "route": obj, "unit": obj.unit, "points": points, "can_manage": can_manage, "errors": errors,
        "point_errors": point_errors, "post": request.POST, "warning": warning_for(obj),
        "areas": PlanArea.objects.filter(plan__unit=obj.unit).order_by("order", "id"),
        "values": _values(request.POST if request.POST.get("form") == "route" else None, obj),
        "breadcrumbs": crumbs({"label": obj.unit.name, "url": reverse("patrols:routes", args=[obj.unit_id])},
                              {"label": obj.name}),
    })  # fmt: skip


def qr_data_url(text: str) -> str:
    """A QR code of `text` as an inline SVG data URL (made here, nothing fetched)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@login_required
def labels(request: HttpRequest, route_id: int) -> HttpResponse:
    """A PDF sheet of the route's QR labels (one per active checkpoint) to print and stick up."""
    obj = queries.get_route_for(request.user, route_id)
    if not has_perm_at(request.user, MANAGE, obj.unit):
        raise Http404
    points = [{"point": p, "qr": qr_data_url(p.code)}
              for p in obj.checkpoints.filter(active=True).order_by("order", "id")]  # fmt: skip
    data = render_pdf("patrols/labels_pdf.html", {"route": obj, "unit": obj.unit, "points": points})
    return pdf_response(data, f"patrol-labels-{obj.pk}.pdf", private=True)


def _day(value: Any) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return timezone.localdate()


@login_required
def history(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The rounds of a school (or an area) on a day, with their flags."""
    unit = places.unit_for(request.user, VIEW, pk=unit_id)
    day = _day(request.GET.get("date"))
    qs = queries.rounds_qs(request.user, unit, day)
    page = ranking.paginator(qs, 100).get_page(request.GET.get("page"))
    rows = queries.settled(list(page.object_list))
    names = dict(Checkpoint.objects.filter(route_id__in={r.route_id for r in rows}).values_list("id", "name"))
    for r in rows:
        r.badge = status_badge(r.status)
        r.flag_list = flag_texts(r, names)
    return render(request, "patrols/history.html", {
        "unit": unit, "day": day, "rows": rows, "page": page,
        "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
        "breadcrumbs": crumbs({"label": unit.name}),
    })  # fmt: skip


def _month_bounds(today: dt.date) -> int:
    return month_key(today)


@login_required
def area(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A bureau's child units ranked by this month's incomplete and missed rounds (roll-up cells)."""
    unit = places.unit_for(request.user, VIEW, pk=unit_id)
    if unit.kind == UnitKind.SCHOOL:
        return redirect("patrols:routes", unit_id=unit.pk)
    month = _month_bounds(timezone.localdate())
    children = ranking.child_units(unit)
    figures = stats.read([unit, *children], month, month)
    rows = [{"unit": c, **figures[c.pk]} for c in children]
    ranked = ranking.rank(request, rows, lambda r: (r["incomplete"] + r["missed"], r["missed"], r["rounds"]))
    link = "patrols:area"
    for r in ranked.page.object_list:
        r["url"] = reverse(
            "patrols:routes" if r["unit"].kind == UnitKind.SCHOOL else link, args=[r["unit"].pk]
        )
    context = {
        "unit": unit,
        "own": figures[unit.pk],
        "ranked": ranked,
        "month": f"{month // 100}-{month % 100:02d}",
        "breadcrumbs": crumbs({"label": unit.name}),
    }
    context.update(ranking.search_context(request, request.user, unit, ranking.link_to("patrols:routes")))
    return render(request, "patrols/area.html", context)
