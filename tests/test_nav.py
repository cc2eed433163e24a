"""The navigation registry (issue 14 §3): each app declares its menu entries with a group and who
sees them; the bar shows a few groups (training, dual prevention, people, system) so that it
stays on one row, and each person sees only their own entries (a parent sees no bureau items)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safecampus.accounts.models import User
from safecampus.core import nav
from safecampus.core.models import Membership
from safecampus.core.roles import Role

# Every page the bar led to before it was grouped still has its entry.
ADDRESSES = {
    "core:home", "core:unit_tree", "roster:home", "roster:my_class", "roster:my_children", "training:home",
    "training:classes", "stats:dashboard", "training:manage", "compliance:page", "risks:home",
    "hazards:home", "supervision:home", "checks:library", "checks:my_tasks", "check_stats:dashboard",
    "patrols:home",
    "fire:home", "schoolcal:home",
    "guards:home", "guards:certificates",
    "termplan:home",
    "talks:today",
    "duty:roster",
    "responsibility:home",
    "visitors:desk", "visitors:log", "visitors:mine", "visitors:watchlist",
    "defence:home", "defence:board",
    "exits:home", "pickups:home",
    "notices:inbox", "notices:sent",
    "accounts:user_list", "roster_year:transfer_list",
    "core:audit_log",
    "webhooks:list",
    "admin:index",
}  # fmt: skip
BUREAU_ONLY = ("/org/", "/training/stats/", "/training/compliance/", "/supervision/", "/audit/", "/people/")


def _bar(body: str) -> tuple[list[str], dict[str, list[str]]]:
    """The bar as rendered: its top-level entries (a link's address or `group:<key>`) and each
    group's addresses."""
    menu = body[body.index('id="main-menu"') :]
    menu = menu[: menu.index('<ul class="navbar-nav align-items-lg-center">')]
    top, groups = [], {}
    for chunk in menu.split('<li class="nav-item')[1:]:
        group = re.match(r' dropdown" id="nav-group-([a-z]+)"', chunk)
        if group:
            top.append(f"group:{group.group(1)}")
            groups[group.group(1)] = re.findall(r'class="dropdown-item[^"]*" href="([^"]+)"', chunk)
        else:
            top.append(re.search(r'href="([^"]+)"', chunk).group(1))
    return top, groups


def _links(top: list[str], groups: dict[str, list[str]]) -> list[str]:
    return [a for a in top if not a.startswith("group:")] + [a for items in groups.values() for a in items]


def test_apps_declare_every_entry_in_a_known_group():
    items = nav.registered()
    assert {i.url_name for i in items} == ADDRESSES
    for item in items:
        assert item.group is None or item.group in nav.GROUPS
        reverse(item.url_name)
    with pytest.raises(ValueError):
        nav.register(nav.Item("core:home", "x", "x", group="nope"))


@pytest.mark.parametrize("role", [Role.PARENT, Role.STUDENT])
def test_a_parent_or_pupil_sees_no_bureau_or_staff_items(client_for, school, role):
    person = User.objects.create(username=f"nav_{role}", name="家长或学生")
    Membership.objects.create(user=person, unit=school, role=role)
    top, groups = _bar(client_for(person).get("/").content.decode())
    links = _links(top, groups)
    assert not groups  # one training link and (a parent) their children: no dropdowns
    assert not [a for a in links if a.startswith(BUREAU_ONLY) or a.startswith(("/hazards/", "/risks/"))]
    assert "/training/" in links
    assert ("/roster/my-children/" in links) == (role == Role.PARENT)


def test_a_county_officer_sees_groups(client_for, county):
    top, groups = _bar(client_for(county).get("/").content.decode())
    assert top[0] == "/" and set(groups) >= {"training", "prevention", "system"}
    assert "/supervision/" in groups["prevention"] and "/hazards/" in groups["prevention"]
    assert "/training/stats/" in groups["training"] and "/org/" in groups["system"]
    assert len(top) <= 7  # fits on one row at 1280 px (see the screenshots; issue 18 added Security)


def test_every_demo_role_gets_a_short_bar(client_for, demo):
    for user in User.objects.filter(username__startswith="demo_").exclude(username="demo_operator"):
        top, groups = _bar(client_for(user).get("/").content.decode())
        assert 1 <= len(top) <= 6, (user.username, top)  # one row at 1280 px (see the screenshots)
        assert 1 <= len(top) <= 7, (user.username, top)
        assert all(len(items) >= 2 for items in groups.values()), (user.username, groups)  # no 1-item groups


def test_the_current_page_marks_its_group(client_for, safety_user):
    body = client_for(safety_user).get("/hazards/").content.decode()
    group = body[body.index('id="nav-group-prevention"') :]
    assert re.match(r'id="nav-group-prevention">\s*<a class="nav-link dropdown-toggle active"', group)
    assert 'class="dropdown-item active" href="/hazards/" aria-current="page"' in group


@pytest.fixture
def safety_user(demo) -> User:
    return User.objects.get(username="demo_safety")
