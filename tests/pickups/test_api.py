"""The pickups API: the list of authorised people (guardians by default, masked phones, photo
urls), a parent adding a person (201, a retry 200 with the same), verify allowed and refused,
bad input 400 changing nothing, outsiders 404."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from safecampus.pickups.models import Pickup, PickupPerson

from .conftest import cid

pytestmark = pytest.mark.django_db
URL = "/api/v1/gate/pickups"


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_has_guardians_and_people_masked(api_client_for, guard, pupil, guardian, grandma, expired):
    r = api_client_for(guard).get(f"{URL}?student_id={pupil.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    ids = [i["id"] for i in body["items"]]
    assert body["count"] == len(ids)
    assert f"g{guardian.pk}" in ids and f"p{grandma.pk}" in ids and f"p{expired.pk}" not in ids
    item = next(i for i in body["items"] if i["id"] == f"p{grandma.pk}")
    assert item["phone"] == "139****5678" and item["relation"] == "奶奶"
    assert item["photo_url"] and item["valid_until"]
    assert "13912345678" not in r.content.decode()


def test_parent_adds_with_retry(api_client_for, parent, pupil):
    c = api_client_for(parent)
    until = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = {
        "client_id": cid(),
        "student_id": pupil.pk,
        "name": "李奶奶",
        "relation": "外婆",
        "valid_until": until,
    }
    first = _post(c, URL, body)
    assert first.status_code == 201, first.content
    again = _post(c, URL, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PickupPerson.objects.filter(student=pupil, name="李奶奶").count() == 1


def test_bad_input_translated_and_nothing_changed(api_client_for, parent, pupil):
    n = PickupPerson.objects.count()
    r = _post(
        api_client_for(parent),
        URL,
        {"student_id": pupil.pk, "name": "", "relation": "外婆", "valid_until": "2000-01-01"},
    )
    assert r.status_code in (400, 422)
    assert r.json()["detail"]
    zh = api_client_for(parent).post(
        URL,
        json.dumps({"student_id": pupil.pk, "name": "", "relation": "x", "valid_until": "2099-01-01"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert zh.status_code == 400 and zh.json()["detail"]
    assert PickupPerson.objects.count() == n


def test_verify_allowed_and_expired_refused(api_client_for, guard, pupil, guardian, expired):
    c = api_client_for(guard)
    ok = _post(c, f"{URL}/verify", {"student_id": pupil.pk, "person_id": f"g{guardian.pk}"})
    assert ok.status_code in (200, 201) and ok.json()["allowed"] is True
    no = _post(c, f"{URL}/verify", {"student_id": pupil.pk, "person_id": expired.pk})
    assert no.json()["allowed"] is False and no.json()["reason"] == "expired"
    assert Pickup.objects.filter(student=pupil).count() == 2


def test_parent_cannot_add_for_another_child(api_client_for, parent, other_pupil):
    r = _post(api_client_for(parent), URL, {"student_id": other_pupil.pk, "name": "x", "relation": "y"})
    assert r.status_code == 404


def test_outsiders_404_everywhere(api_client_for, outsider, outsider_principal, pupil, grandma):
    for user in (outsider, outsider_principal):
        c = api_client_for(user)
        assert c.get(f"{URL}?student_id={pupil.pk}").status_code == 404
        assert _post(c, URL, {"student_id": pupil.pk, "name": "x", "relation": "y"}).status_code == 404
        r = _post(c, f"{URL}/verify", {"student_id": pupil.pk, "person_id": grandma.pk})
        assert r.status_code == 404
    assert not Pickup.objects.filter(student=pupil).exists()
