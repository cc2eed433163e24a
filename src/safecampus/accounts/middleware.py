"""Active membership (role switcher) and forced change of an initial password."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from safecampus.core.roles import ROLE_SPECS

SESSION_KEY = "active_membership_id"
PASSWORD_EXEMPT_PREFIXES = (
    "/accounts/password/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/api/",
)


def pick_membership(user, chosen_id: int | None):
    memberships = list(
        user.memberships.filter(is_active=True, unit__is_active=True).select_related("unit").order_by("id")
    )
    if not memberships:
        return None, []
    memberships.sort(key=lambda m: -ROLE_SPECS[m.role].rank)
    for m in memberships:
        if m.pk == chosen_id:
            return m, memberships
    return memberships[0], memberships


class ActiveMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith("/api/"):
            active, memberships = pick_membership(user, request.session.get(SESSION_KEY))
            user.all_memberships = memberships
            if active is not None:
                user.active_membership = active
            if user.must_change_password and not request.path.startswith(PASSWORD_EXEMPT_PREFIXES):
                return redirect(reverse("accounts:password_change") + "?forced=1")
        return self.get_response(request)
