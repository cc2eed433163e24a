"""htmx endpoints behind the "show" buttons: the clear value of one masked field, audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safecampus.accounts.models import User
from safecampus.core.errors import DomainError
from safecampus.core.scoping import get_visible_or_404

from . import privacy
from .models import Student


def _fragment(request: HttpRequest, field: str, obj: Student | User) -> HttpResponse:
    try:
        value = privacy.reveal(field, obj, actor=request.user)
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc.message))
    html = render_to_string("includes/reveal.html", {"shown": True, "revealed": value}, request=request)
    return HttpResponse(html)


@login_required
@never_cache
@require_POST
def student_reveal(request: HttpRequest, student_id: int, field: str) -> HttpResponse:
    student = get_visible_or_404(Student.objects.select_related("unit"), request.user, pk=student_id)
    return _fragment(request, field, student)


@login_required
@never_cache
@require_POST
def person_reveal(request: HttpRequest, user_id: int, field: str) -> HttpResponse:
    person = get_visible_or_404(User, request.user, pk=user_id)
    return _fragment(request, field, person)
