"""The "today" cards: the registry, the home page and `GET /api/v1/today`, per role, through
the access layer (an outsider's counts never include another county's rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safecampus.core import today
from safecampus.hazards.models import Hazard, Status

pytestmark = pytest.mark.django_db


def _hazard(unit, by, status=Status.REPORTED, **extra) -> Hazard:
    now = timezone.now()
    h = Hazard(source="patrol", category="fire", grade="general", location="教学楼", description="灭火器过期",
               reported_by=by, reported_at=now, status_changed_at=now, status=status, **extra)  # fmt: skip
    h.set_unit(unit)
    h.save()
    return h


def _counts(user) -> dict[str, int]:
    return {c["key"]: c["count"] for c in today.cards_for(user)}


def test_principal_sees_reports_to_confirm_and_the_count_moves(principal, outsider_principal, school) -> None:
    before = _counts(principal)
    assert "hazards.to_confirm" in before and "supervision.open_letters" in before
    _hazard(school, principal)
    assert _counts(principal)["hazards.to_confirm"] == before["hazards.to_confirm"] + 1
    assert _counts(outsider_principal)["hazards.to_confirm"] == 0


def test_county_sees_overdue_hazards_of_its_area_only(county, outsider, principal, school) -> None:
    late = timezone.localdate() - dt.timedelta(days=3)
    _hazard(school, principal, Status.ASSIGNED, rectifier=principal, deadline=late)
    assert _counts(county)["hazards.overdue"] == 1
    assert _counts(outsider)["hazards.overdue"] == 0
    card = next(c for c in today.cards_for(county) if c["key"] == "hazards.overdue")
    assert card["url"].startswith("/hazards/units/") and card["url"].endswith("/overdue/")


def test_head_teacher_sees_their_rectifications(head_teacher, principal, school) -> None:
    _hazard(school, principal, Status.ASSIGNED, rectifier=head_teacher, deadline=timezone.localdate())
    counts = _counts(head_teacher)
    assert counts["hazards.todo"] == 1
    assert "hazards.to_confirm" not in counts  # not a hazard manager


def test_parent_sees_children_and_notices_not_hazards(demo, school) -> None:
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership
    from safecampus.core.roles import Role

    parent = User.objects.create_user("today_parent", "Pw@123456x", name="家长")
    Membership.objects.create(user=parent, unit=school, role=Role.PARENT)
    parent = User.objects.get(pk=parent.pk)
    counts = _counts(parent)
    assert "training.children_due" in counts and "inbox.unread" in counts
    assert not any(k.startswith("hazards.") for k in counts)


def test_api_today_shape_and_language(api_client_for, principal, school) -> None:
    _hazard(school, principal)
    resp = api_client_for(principal).get("/api/v1/today")
    assert resp.status_code == 200
    cards = resp.json()
    assert all(set(c) == {"key", "title", "count", "url"} for c in cards)
    confirm = next(c for c in cards if c["key"] == "hazards.to_confirm")
    assert confirm["count"] >= 1 and confirm["url"] == "/hazards/confirm/"
    assert confirm["title"] == "Hazard reports to confirm"
    zh = api_client_for(principal).get("/api/v1/today", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert next(c for c in zh if c["key"] == "hazards.to_confirm")["title"] == "待确认的隐患报告"


def test_api_today_needs_a_token(client) -> None:
    assert client.get("/api/v1/today").status_code == 401


def test_home_page_shows_the_cards(client_for, principal, school) -> None:
    _hazard(school, principal)
    page = client_for(principal).get("/").content.decode()
    assert 'data-today="hazards.to_confirm"' in page and "Needs you today" in page
