"""The inbox page: a person's own notifications; marking one or all as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Notification

PER_PAGE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    qs = Notification.objects.visible_to(request.user).select_related("unit")
    if unread_only:
        qs = qs.unread()
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
            "breadcrumbs": [{"label": _("Inbox")}],
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to its link."""
    note = services.mark_read(request.user, notification_id)
    if request.POST.get("open") and note.link:
        return redirect(note.link)
    return redirect(reverse("inbox:inbox"))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    return redirect(reverse("inbox:inbox"))
