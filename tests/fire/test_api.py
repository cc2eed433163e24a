"""The fire devices API: filters and shapes, 400 for bad input, 404 for outsiders, checks
answered 201 first and 200 on a replay."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from safecampus.fire import checks
from safecampus.fire.models import DeviceCheck
from safecampus.hazards.models import Hazard

from .conftest import cid, jpeg

pytestmark = pytest.mark.django_db
FIELDS = {
    "id",
    "code",
    "type",
    "unit",
    "building",
    "floor",
    "location",
    "production_date",
    "expires_on",
    "last_service_date",
    "service_due_on",
    "last_check_at",
    "status",
    "check_url",
}


@pytest.fixture
def register(make_device, guard):
    expired = make_device(production_date=dt.date(2010, 1, 1))
    ok = make_device(type="hydrant", last_service_date=dt.date.today() - dt.timedelta(days=30))
    checks.record_check(ok, actor=guard, data={"client_id": cid(), "result": "pass"})
    failed = make_device(last_service_date=dt.date.today() - dt.timedelta(days=30))
    checks.record_check(failed, actor=guard, data={"client_id": cid(), "result": "fail", "note": "铅封缺失"})
    due = make_device()
    return {"expired": expired, "ok": ok, "failed": failed, "due": due}


def test_list_and_filters(api_client_for, safety, county, register):
    c = api_client_for(county)
    body = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1"}).json()
    assert body["count"] == 4 and set(body["items"][0]) == FIELDS
    for status, device in register.items():
        got = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1", "status": status}).json()
        assert [i["id"] for i in got["items"]] == [device.pk] and got["count"] == 1
        assert got["items"][0]["status"] == status
    item = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1", "status": "expired"}).json()["items"][0]
    assert item["expires_on"] == "2020-01-01" and item["production_date"] == "2010-01-01"
    hydrants = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1", "type": "hydrant"}).json()
    assert hydrants["count"] == 1
    page = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1", "limit": 2, "offset": 1}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    mine = api_client_for(safety).get("/api/v1/fire/devices").json()  # the user's own school
    assert mine["count"] == 4


def test_bad_parameters_answer_400(api_client_for, county, register):
    c = api_client_for(county)
    for params, field in (
        ({"status": "broken"}, "status"),
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"type": "cannon"}, "type"),
        ({"offset": -1}, "offset"),
    ):
        resp = c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1", **params})
        assert resp.status_code == 400, params
        assert resp.json()["field"] == field and resp.json()["detail"]


def test_outsider_gets_404(api_client_for, outsider, outsider_principal, register):
    for user in (outsider, outsider_principal):
        c = api_client_for(user)
        assert c.get("/api/v1/fire/devices", {"unit": "demo-c1-k1-s1"}).status_code == 404
        assert c.get("/api/v1/fire/devices", {"unit": "no-such-unit"}).status_code == 404
        device = register["ok"]
        assert c.get(f"/api/v1/fire/devices/{device.pk}").status_code == 404
        resp = c.post(
            f"/api/v1/fire/devices/{device.pk}/checks",
            json.dumps({"client_id": cid(), "result": "pass"}),
            content_type="application/json",
        )
        assert resp.status_code == 404
    assert DeviceCheck.objects.filter(device=register["ok"]).count() == 1


def test_check_created_then_replayed(api_client_for, guard, register):
    c = api_client_for(guard)
    device = register["due"]
    photo = c.post("/api/v1/fire/photos", {"photo": jpeg()})
    assert photo.status_code == 201
    payload = {"client_id": cid(), "result": "fail", "note": "箱门无法打开", "photos": [photo.json()["id"]]}
    before = Hazard.objects.count()
    first = c.post(
        f"/api/v1/fire/devices/{device.pk}/checks", json.dumps(payload), content_type="application/json"
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert (
        body["result"] == "fail"
        and body["hazard"]
        and body["photos"] == 1
        and body["device_status"] == "failed"
    )
    again = c.post(
        f"/api/v1/fire/devices/{device.pk}/checks", json.dumps(payload), content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Hazard.objects.count() == before + 1


def test_check_bad_input_answers_400(api_client_for, guard, register):
    c = api_client_for(guard)
    url = f"/api/v1/fire/devices/{register['due'].pk}/checks"
    resp = c.post(url, json.dumps({"client_id": cid(), "result": "maybe"}), content_type="application/json")
    assert resp.status_code == 400 and resp.json()["field"] == "result"
    resp = c.post(
        url,
        json.dumps({"client_id": cid(), "result": "pass", "photos": [424242]}),
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.json()["field"] == "photos"
    fake = c.post("/api/v1/fire/photos", {"photo": jpeg().__class__("x.jpg", b"not an image")})
    assert fake.status_code == 400 and fake.json()["field"] == "photo"
    assert not DeviceCheck.objects.filter(device=register["due"]).exists()
