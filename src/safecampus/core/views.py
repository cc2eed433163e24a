"""Home, health check and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from . import today
from .audit_render import off_feed_verbs
from .models import AuditEvent, Unit, UnitKind
from .roles import Perm
from .scoping import has_perm_at


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for on every page: the static icon."""
    return redirect(static("safecampus/favicon.ico"))


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception:  # any database failure makes the check fail, never a 500
        db = "error"
    status = 200 if db == "ok" else 503
    return JsonResponse({"status": "ok" if db == "ok" else "error", "database": db}, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    active = getattr(user, "active_membership", None)
    context: dict = {"breadcrumbs": [{"label": _("Home")}]}
    context["today_cards"] = cards = today.cards_for(user, active)
    context["today_total"] = sum(c["count"] for c in cards)
    if active is not None:
        unit = active.unit
        units = Unit.objects.visible_to(user)
        context.update(
            unit=unit,
            ancestors=list(unit.get_ancestors()),
            counts=units.aggregate(
                schools=Count("pk", filter=Q(kind=UnitKind.SCHOOL, is_active=True)),
                counties=Count("pk", filter=Q(kind=UnitKind.COUNTY, is_active=True)),
                units=Count("pk"),
            ),
            can_manage_units=has_perm_at(user, Perm.MANAGE_UNITS, unit),
            can_manage_users=has_perm_at(user, Perm.MANAGE_USERS, unit),
            recent=(
                AuditEvent.objects.visible_to(user).exclude(verb__in=off_feed_verbs())[:8]
                if has_perm_at(user, Perm.VIEW_AUDIT, unit)
                else []
            ),
        )
    return render(request, "core/home.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": _("Something went wrong on our side. Please try again.")}, status=500)
    # No context processors: the error may have come from them.
    return HttpResponseServerError(loader.get_template("500.html").render())
