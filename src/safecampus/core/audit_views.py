"""Searchable audit log for administrators, scoped like everything else."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import holds_anywhere
from .forms import AuditSearchForm
from .models import AuditEvent
from .roles import Perm


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not holds_anywhere(user, Perm.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.visible_to(user).select_related("actor", "unit")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            events = events.filter(
                Q(target_repr__icontains=data["q"])
                | Q(actor_name__icontains=data["q"])
                | Q(verb__icontains=data["q"])
            )
        if data["verb"]:
            events = events.filter(verb__startswith=data["verb"])
        if data["unit"]:
            events = events.filter(unit__code=data["unit"].strip().lower())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data["date_to"]:
            events = events.filter(
                created_at__lt=dt.datetime.combine(data["date_to"], dt.time.min, tz) + dt.timedelta(days=1)
            )
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "breadcrumbs": [{"label": _("Audit log")}]},
    )
