"""Notices pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


@login_required
def detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    return HttpResponse("")
