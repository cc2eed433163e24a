"""Pickup pages: the parent's page (add with photo, revoke), the dismissal board and a pupil's
one-tap pickup, the refused flow, outsiders 404 on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safecampus.pickups.models import Pickup, PickupPerson

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def test_parent_adds_and_revokes(client_for, parent, pupil):
    c = client_for(parent)
    assert c.get(reverse("pickups:home")).status_code == 302
    url = reverse("pickups:child", args=[pupil.pk])
    until = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    r = c.post(url, {"name": "王奶奶", "relation": "奶奶", "valid_until": until, "photo": jpeg()})
    assert r.status_code == 302
    person = PickupPerson.objects.get(student=pupil, name="王奶奶")
    assert person.photo
    page = c.get(url)
    assert "王奶奶" in page.content.decode()
    assert c.get(reverse("pickups:photo", args=[person.pk])).status_code == 200
    assert c.post(reverse("pickups:revoke", args=[person.pk])).status_code == 302
    person.refresh_from_db()
    assert person.revoked_at is not None


def test_parent_form_errors_change_nothing(client_for, parent, pupil):
    n = PickupPerson.objects.count()
    r = client_for(parent).post(reverse("pickups:child", args=[pupil.pk]), {"name": "", "valid_until": "x"})
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    assert PickupPerson.objects.count() == n


def test_guard_dismissal_and_one_tap(client_for, guard, pupil, guardian, expired):
    c = client_for(guard)
    home = c.get(reverse("pickups:home"))
    assert home.status_code == 302
    board = c.get(f"{reverse('pickups:dismissal', args=[pupil.unit_id])}?class={pupil.school_class_id}")
    assert board.status_code == 200 and pupil.name in board.content.decode()
    url = reverse("pickups:pupil", args=[pupil.pk])
    r = c.post(url, {"person_id": f"g{guardian.pk}"})
    assert r.status_code == 200 and 'id="pickup-result"' in r.content.decode()
    refused = c.post(url, {"person_id": f"p{expired.pk}"})
    assert "alert-danger" in refused.content.decode()
    assert list(Pickup.objects.filter(student=pupil).values_list("allowed", flat=True).order_by("id")) == [
        True,
        False,
    ]
    board = c.get(f"{reverse('pickups:dismissal', args=[pupil.unit_id])}?q={pupil.name}")
    assert 'id="picked-count">1<' in board.content.decode()


def test_head_teacher_sees_own_class(client_for, head_teacher, pupil):
    c = client_for(head_teacher)
    r = c.get(reverse("pickups:home"))
    assert r.status_code == 302 and f"class={pupil.school_class_id}" in r["Location"]
    assert c.get(reverse("pickups:pupil", args=[pupil.pk])).status_code == 200


def test_outsiders_404_on_every_page(client_for, outsider, outsider_principal, pupil, grandma):
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in (
            reverse("pickups:child", args=[pupil.pk]),
            reverse("pickups:photo", args=[grandma.pk]),
            reverse("pickups:dismissal", args=[pupil.unit_id]),
            reverse("pickups:pupil", args=[pupil.pk]),
        ):
            assert c.get(url).status_code == 404, url
        assert c.post(reverse("pickups:revoke", args=[grandma.pk])).status_code == 404
        assert c.post(reverse("pickups:pupil", args=[pupil.pk]), {"name": "x"}).status_code == 404
    grandma.refresh_from_db()
    assert grandma.revoked_at is None and not Pickup.objects.filter(student=pupil).exists()
