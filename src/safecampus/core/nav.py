"""The navigation registry: every app declares its menu entries in its `AppConfig.ready()`
(address, label, icon, group, who sees it) and the shell renders them, grouped into a few
dropdowns so that the bar stays on one row on an office screen.

    nav.register(nav.Item("hazards:home", _("Hazards"), "cone-striped", Perm.VIEW_HAZARDS,
                          group="prevention", order=20))

Who sees an item: None (everyone signed in), a permission held at the active unit, a Role the
active membership must be, a callable `(user, active membership) -> bool`, or a tuple of these
(any of them). A group shows only the items its reader may see; a group with a single item
shows as that item's own link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import Role
from .scoping import has_perm_at

# None, a permission (str), a Role, a callable (user, active membership) -> bool, or a tuple of these.
Who = Any


@dataclass(frozen=True)
class Group:
    key: str
    label: Any
    icon: str
    order: int


@dataclass(frozen=True)
class Item:
    url_name: str
    label: Any
    icon: str
    who: Who = None
    group: str | None = None  # None: on the bar itself
    order: int = 0  # within its group; for an item on the bar, among the groups' orders


GROUPS: dict[str, Group] = {
    g.key: g
    for g in (
        Group("training", pgettext_lazy("navigation group", "Training"), "mortarboard", 20),
        Group("prevention", _("Dual prevention"), "shield-exclamation", 30),
        Group("duties", pgettext_lazy("navigation group", "Duties"), "person-badge", 35),
        Group("security", pgettext_lazy("navigation group", "Security"), "shield-lock", 37),
        # People (rosters, accounts) and the system (org tree, calendar, audit, webhooks) share one
        # menu: with the security group the bar must still fit one row at 1280 px.
        Group("system", pgettext_lazy("navigation group", "People and organisation"), "people", 40),
    )
}
ALIASES = {"people": "system"}  # a group folded into another

_ITEMS: dict[str, Item] = {}


def register(*items: Item) -> None:
    """Declare menu entries (idempotent: an address is declared once)."""
    for item in items:
        if item.group in ALIASES:
            item = replace(item, group=ALIASES[item.group])
        if item.group is not None and item.group not in GROUPS:
            raise ValueError(f"unknown navigation group {item.group!r} for {item.url_name}")
        _ITEMS[item.url_name] = item


def registered() -> list[Item]:
    return sorted(_ITEMS.values(), key=lambda i: (GROUPS[i.group].order if i.group else i.order, i.order))


def shown(who: Who, user: Any, active: Any) -> bool:
    if who is None:
        return True
    if isinstance(who, tuple):
        return any(shown(w, user, active) for w in who)
    if isinstance(who, Role):
        return active is not None and active.role == who
    if callable(who):
        return bool(who(user, active))
    return user.is_superuser or (active is not None and has_perm_at(user, who, active.unit))


def _link(item: Item) -> dict[str, Any] | None:
    try:
        url = reverse(item.url_name)
    except NoReverseMatch:  # an app that is not installed here
        return None
    return {"kind": "link", "key": item.url_name, "url": url, "label": item.label, "icon": item.icon,
            "active": False}  # fmt: skip


def menu_for(user: Any, path: str, active: Any = None) -> list[dict[str, Any]]:
    """The bar for `user` acting as `active`: links and groups of links, in order; the entry
    whose address is the longest prefix of `path` (and its group) marked active."""
    entries: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for item in registered():
        if not shown(item.who, user, active):
            continue
        link = _link(item)
        if link is None:
            continue
        links.append(link)
        if item.group is None:
            entries.append(link)
            continue
        group = groups.get(item.group)
        if group is None:
            spec = GROUPS[item.group]
            group = {"kind": "group", "key": spec.key, "label": spec.label, "icon": spec.icon,
                     "active": False, "items": []}  # fmt: skip
            groups[item.group] = group
            entries.append(group)
        group["items"].append(link)
    matching = [i for i in links if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    flat = _is_family(active) and len(links) <= FAMILY_FLAT_LIMIT
    out = []
    for entry in entries:
        if entry["kind"] == "group":
            if flat:
                out.extend(entry["items"])
                continue
            if len(entry["items"]) == 1:
                entry = entry["items"][0]
            else:
                entry["active"] = any(i["active"] for i in entry["items"])
        out.append(entry)
    return out


# A parent or pupil has a handful of entries (their children, exits, pickups, training): they
# stand on the bar itself, without staff menu names such as "Security" around them.
FAMILY_FLAT_LIMIT = 6


def _is_family(active: Any) -> bool:
    return active is not None and active.role in (Role.STUDENT, Role.PARENT)


def is_operator(user: Any, active: Any) -> bool:
    """Platform operators (Django admin)."""
    return bool(user.is_staff)


def staff_with(perm: str) -> Any:
    """Who: staff and bureau people holding `perm`, not pupils and parents (who hold some
    permissions, like seeing their school's place in the tree, without needing a menu entry)."""

    def check(user: Any, active: Any) -> bool:
        if active is not None and active.role in (Role.STUDENT, Role.PARENT):
            return False
        return shown(perm, user, active)

    return check
