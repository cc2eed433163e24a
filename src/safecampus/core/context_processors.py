"""Template context for the UI shell: active role, navigation by permission, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Perm
from .scoping import has_perm_at

NAV = [
    # (url name, label, icon, permission or None)
    ("core:home", _("Home"), "house", None),
    ("core:unit_tree", _("Organisation"), "diagram-3", Perm.VIEW_UNITS),
    ("accounts:user_list", _("People"), "people", Perm.VIEW_USERS),
    ("roster_year:transfer_list", _("Transfers"), "arrow-left-right", Perm.VIEW_USERS),
    ("core:audit_log", _("Audit log"), "journal-text", Perm.VIEW_AUDIT),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = getattr(user, "active_membership", None)
    items = []
    for name, label, icon, perm in NAV:
        if perm is None or (active is not None and has_perm_at(user, perm, active.unit)) or user.is_superuser:
            url = reverse(name)
            current = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"url": url, "label": label, "icon": icon, "active": current})
    return {
        "nav_items": items,
        "active_membership": active,
        "memberships": getattr(user, "all_memberships", []),
    }
