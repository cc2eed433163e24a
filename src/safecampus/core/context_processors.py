"""Template context for the UI shell: active role and the navigation (`core.nav`, declared by
each app) for the person signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import nav


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = getattr(user, "active_membership", None)
    return {
        "nav_menu": nav.menu_for(user, request.path, active),
        "active_membership": active,
        "memberships": getattr(user, "all_memberships", []),
    }
