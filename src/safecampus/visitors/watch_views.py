"""The school's watch list, kept by the principal and school administrators: add a person, take
them off (the entry stays for the record)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm

from . import queries, watch
from .forms import WatchEntryForm, apply_errors
from .models import WatchEntry
from .views import gate_school


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    school = gate_school(request, Perm.MANAGE_WATCHLIST)
    form = WatchEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = watch.add_entry(school, actor=request.user, data=form.cleaned_data)
            messages.success(request, _("%(name)s is on the watch list.") % {"name": entry.name})
            return redirect(reverse("visitors:watchlist") + f"?unit={school.code}")
        except DomainError as exc:
            apply_errors(form, exc)
    entries = queries.watch_list(request.user, school).select_related("created_by")
    return render(
        request,
        "visitors/watchlist.html",
        {
            "school": school,
            "form": form,
            "active": [e for e in entries if e.is_active],
            "removed": [e for e in entries if not e.is_active][:50],
            "breadcrumbs": [{"label": _("Watch list")}],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def remove_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(WatchEntry.objects.visible_to(request.user), pk=entry_id)
    try:
        watch.remove_entry(entry, actor=request.user)
        messages.success(request, _("%(name)s is off the watch list.") % {"name": entry.name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("visitors:watchlist") + f"?unit={entry.unit.code}")
