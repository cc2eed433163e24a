"""Hazard pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries
from .workflow import allowed_actions


@login_required
def detail(request: HttpRequest, hazard_id: int) -> HttpResponse:
    hazard = queries.get_hazard_for(request.user, hazard_id)
    return render(
        request, "hazards/detail.html", {"hazard": hazard, "actions": allowed_actions(request.user, hazard)}
    )
