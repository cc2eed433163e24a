"""Template context for the UI shell: active role, navigation by permission, breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Perm, Role
from .scoping import has_perm_at

NAV = [
    # (url name, label, icon, who sees it: None (everyone), a permission at the active unit,
    #  or a Role that the active membership must be, or a tuple of these: any of them)
    ("core:home", _("Home"), "house", None),
    ("core:unit_tree", _("Organisation"), "diagram-3", Perm.VIEW_UNITS),
    ("roster:home", _("Roster"), "person-vcard", Perm.VIEW_USERS),
    ("roster:my_class", _("My class"), "easel", Role.HEAD_TEACHER),
    ("roster:my_children", _("My children"), "balloon-heart", Role.PARENT),
    ("training:home", _("Training"), "mortarboard", None),
    ("training:classes", _("Class learning"), "easel2", Role.HEAD_TEACHER),
    ("stats:dashboard", _("Training statistics"), "bar-chart-line", (Perm.VIEW_TRAINING, Role.HEAD_TEACHER)),
    ("training:manage", _("Training content"), "collection-play", Perm.MANAGE_TRAINING),
    ("compliance:page", _("Compliance"), "clipboard-check", (Perm.VIEW_TRAINING, Role.HEAD_TEACHER)),
    ("risks:home", _("Risk control"), "exclamation-diamond", Perm.VIEW_RISKS),
    ("hazards:home", _("Hazards"), "cone-striped", Perm.VIEW_HAZARDS),
    ("supervision:home", _("Supervision"), "pin-angle", (Perm.SUPERVISE_HAZARDS, Perm.MANAGE_HAZARDS)),
    ("accounts:user_list", _("People"), "people", Perm.VIEW_USERS),
    ("roster_year:transfer_list", _("Transfers"), "arrow-left-right", Perm.VIEW_USERS),
    ("core:audit_log", _("Audit log"), "journal-text", Perm.VIEW_AUDIT),
]


def _shown(who: Any, user: Any, active: Any) -> bool:
    if who is None:
        return True
    if isinstance(who, tuple):
        return any(_shown(w, user, active) for w in who)
    if isinstance(who, Role):
        return active is not None and active.role == who
    return user.is_superuser or (active is not None and has_perm_at(user, who, active.unit))


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = getattr(user, "active_membership", None)
    items = [
        {"url": reverse(name), "label": label, "icon": icon, "active": False}
        for name, label, icon, who in NAV
        if _shown(who, user, active)
    ]
    # The current item is the one whose address is the longest prefix of the page's.
    matching = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return {
        "nav_items": items,
        "active_membership": active,
        "memberships": getattr(user, "all_memberships", []),
    }
