"""Check pages for the person doing them (mounted at /checks/): "my checks today" and one page
per task (big pass / fail / N/A buttons, camera photo on failure, note, offline queue in
static/checks/task.js), with the two page endpoints the script posts to (session and CSRF):
the photo upload and the submission. Views read through `task_queries` and write through
`submit` and `photos`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from safecampus.core import access
from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm

from . import photos as photo_service
from . import task_queries as queries
from .generate import ensure_for_user
from .models import TaskStatus
from .submit import may_do, submit


def _day(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.holds_anywhere(user, Perm.VIEW_CHECKS):
        raise Http404
    day = _day(request.GET.get("date"))
    everyone = request.GET.get("all") == "1"
    if day == timezone.localdate():
        ensure_for_user(user, day)
    tasks = list(queries.tasks_for(user, day=day, mine=not everyone))
    now = timezone.now()
    groups = [
        (status, label, [t for t in tasks if t.status == status])
        for status, label in (
            (TaskStatus.OPEN, _("To do")),
            (TaskStatus.DONE, _("Done")),
            (TaskStatus.MISSED, pgettext("checks", "Missed")),
        )
    ]
    return render(
        request,
        "checks/my_tasks.html",
        {
            "groups": groups,
            "day": day,
            "everyone": everyone,
            "now": now,
            "overdue": {t.pk for t in tasks if queries.is_overdue(t, now)},
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "is_today": day == timezone.localdate(),
            "breadcrumbs": [{"label": _("My checks")}],
        },
    )


@login_required
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    user = request.user
    task = queries.get_task_for(user, task_id)
    items = queries.items_of(task)
    hazards_open = queries.open_hazards(task, items)
    done = task.status == TaskStatus.DONE
    answers = {a.item_id: a for a in queries.answers_of(task)} if done else {}
    rows = [{"item": i, "open_hazard": hazards_open.get(i.key), "answer": answers.get(i.pk)} for i in items]
    can_do = task.status == TaskStatus.OPEN and may_do(user, task)
    config = {
        "task": task.pk,
        "user": user.pk,
        "unit": task.unit_id,
        "submit": reverse("checks:task_submit", args=[task.pk]),
        "photo": reverse("checks:photo_upload"),
        "csrf": get_token(request),
        "done_url": reverse("checks:task", args=[task.pk]),
        "messages": {
            "queued": _("Queued, will send when online."),
            "sending": _("Sending…"),
            "sent": _("Check submitted."),
            "unanswered": _("Answer every item first."),
            "photo_needed": _("Take a photo of what failed."),
            "offline": _("Offline: queued, will send."),
            "uploading": _("Uploading photo…"),
        },
    }
    return render(
        request,
        "checks/task.html",
        {
            "task": task,
            "rows": rows,
            "done": done,
            "can_do": can_do,
            "config": config,
            "overdue": queries.is_overdue(task),
            "schedule": task.schedule,
            "breadcrumbs": [
                {"label": _("My checks"), "url": reverse("checks:my_tasks")},
                {"label": task.title},
            ],
        },
    )


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"detail": str(exc.message), "field": exc.field}, status=exc.status)


@login_required
@require_POST
def task_submit(request: HttpRequest, task_id: int) -> JsonResponse:
    """The page's submission: the API's body and answer, through the session."""
    task = queries.get_task_for(request.user, task_id)
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"detail": _("Send the answers as JSON."), "field": None}, status=400)
    try:
        done = submit(task, actor=request.user, client_id=body.get("client_id"), answers=body.get("answers"))
    except DomainError as exc:
        return _error(exc)
    except PermissionDenied:
        return JsonResponse({"detail": _("You may not do this check."), "field": None}, status=403)
    return JsonResponse(
        {
            "id": done.pk,
            "status": done.status,
            "hazards": sorted(
                a for a in done.answers.exclude(hazard=None).values_list("hazard_id", flat=True)
            ),
        }
    )


@login_required
@require_POST
def photo_upload(request: HttpRequest) -> JsonResponse:
    unit = str(request.POST.get("unit") or "")
    try:
        photo, created = photo_service.upload(
            request.user,
            request.FILES.get("photo"),
            unit_id=int(unit) if unit.isdigit() and len(unit) < 12 else None,
            client_id=request.POST.get("client_id") or None,
        )
    except DomainError as exc:
        return _error(exc)
    except PermissionDenied:
        return JsonResponse(
            {"detail": _("Only a school's staff take check photos."), "field": None}, status=403
        )
    return JsonResponse({"id": photo.pk}, status=201 if created else 200)


@login_required
def photo(request: HttpRequest, check_photo_id: int) -> HttpResponse:
    from .queries import get_photo_for

    return photo_service.serve(request, get_photo_for(request.user, check_photo_id))
