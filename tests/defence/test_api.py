"""The security API of the register and the three-100% board: shapes, 201/200 on a retry, 400
with a translated message and nothing changed, 404 for outsiders on every route."""

from __future__ import annotations

import json

import pytest

from safecampus.defence import closed
from safecampus.defence.models import Equipment, EquipmentTest

from .conftest import cid, jpeg

pytestmark = pytest.mark.django_db
INDICATORS = {"closed_management", "alarm_networked", "video_networked", "guards_staffed", "all_three"}
KEYS = {"unit", "name", "schools", "rates", *INDICATORS}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_three100_contract(api_client_for, county, make_item, school, safety, staffed):
    make_item(kind="gate_barrier", quantity=1)
    make_item(kind="one_click_alarm", quantity=1, police_linked=True)
    closed.confirm(school, actor=safety, confirmed=True, evidence=jpeg())
    c = api_client_for(county)
    r = c.get("/api/v1/security/three100?unit=demo-c1-k1")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == KEYS and body["unit"] == "demo-c1-k1"
    assert body["closed_management"] == 1 and body["alarm_networked"] == 1 and body["video_networked"] == 0
    assert body["rates"]["closed_management"] == pytest.approx(1 / body["schools"], abs=1e-6)
    kids = c.get("/api/v1/security/three100/children?unit=demo-c1-k1").json()
    assert [k["unit"] for k in kids] and all(set(k) == KEYS for k in kids)
    mine = next(k for k in kids if k["unit"] == school.code)
    assert mine["schools"] == 1 and mine["closed_management"] == 1 and mine["rates"]["alarm_networked"] == 1.0
    # A unit without schools: rates null.
    leaf = c.get(f"/api/v1/security/three100/children?unit={school.code}").json()
    assert leaf == []


def test_rates_null_without_schools(api_client_for, operator):
    from safecampus.core.models import Unit, UnitKind

    root = Unit.objects.get(code="demo-c1-k1")
    empty = root.add_child(code="demo-c1-k1-x", name="空学区", kind=UnitKind.COUNTY)
    body = api_client_for(operator).get(f"/api/v1/security/three100?unit={empty.code}").json()
    assert body["schools"] == 0 and all(v is None for v in body["rates"].values())


def test_equipment_crud_and_tests(api_client_for, safety, county, school):
    c = api_client_for(safety)
    r = post(c, "/api/v1/security/equipment", {"unit": school.code, "kind": "cctv", "quantity": 4,
                                               "location": "校门口", "police_linked": True})  # fmt: skip
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["status"] == "due" and item["police_linked"] and item["category"] == "technical"
    r = patch(c, f"/api/v1/security/equipment/{item['id']}", {"quantity": 6})
    assert r.status_code == 200 and r.json()["quantity"] == 6
    body = {"client_id": cid(), "result": "fail", "note": "画面无信号"}
    r = post(c, f"/api/v1/security/equipment/{item['id']}/tests", body)
    assert r.status_code == 201 and r.json()["hazard"] and r.json()["equipment_status"] == "failed"
    again = post(c, f"/api/v1/security/equipment/{item['id']}/tests", body)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
    listed = api_client_for(county).get("/api/v1/security/equipment?unit=demo-c1-k1").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == item["id"]
    one = api_client_for(county).get(f"/api/v1/security/equipment/{item['id']}")
    assert one.status_code == 200
    # A bureau reads but does not write.
    r = patch(api_client_for(county), f"/api/v1/security/equipment/{item['id']}", {"quantity": 1})
    assert r.status_code == 403 and Equipment.objects.get().quantity == 6


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "tank", "quantity": 1, "location": "x"}, "kind"),
        ({"kind": "cctv", "quantity": 0, "location": "x"}, "quantity"),
        ({"kind": "cctv", "quantity": 1, "location": ""}, "location"),
        ({"kind": "cctv", "quantity": 1}, "location"),
    ],
)
def test_bad_input_is_translated_and_changes_nothing(api_client_for, safety, school, body, field):
    c = api_client_for(safety)
    r = post(c, "/api/v1/security/equipment", {"unit": school.code, **body})
    assert r.status_code == 400 and r.json()["field"] == field
    zh = c.post(
        "/api/v1/security/equipment",
        json.dumps({"unit": school.code, **body}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert zh.status_code == 400 and zh.json()["detail"] != r.json()["detail"]
    assert not Equipment.objects.exists()


def test_bad_test_input(api_client_for, safety, make_item):
    item = make_item(kind="cctv", quantity=4)
    c = api_client_for(safety)
    r = post(c, f"/api/v1/security/equipment/{item.pk}/tests", {"client_id": cid(), "result": "maybe"})
    assert r.status_code == 400 and r.json()["field"] == "result"
    r = post(c, f"/api/v1/security/equipment/{item.pk}/tests", {"client_id": cid(), "result": "pass", "x": 1})
    assert r.status_code in (400, 422)
    r = c.get("/api/v1/security/equipment?unit=demo-c1-k1-s1&limit=501")
    assert r.status_code == 400 and r.json()["field"] == "limit"
    assert not EquipmentTest.objects.exists()


def test_outsiders_get_404_everywhere(api_client_for, outsider, outsider_principal, make_item, school):
    item = make_item(kind="cctv", quantity=4, location="东港区校门口")
    for user in (outsider, outsider_principal):
        c = api_client_for(user)
        for url in (
            f"/api/v1/security/three100?unit={school.code}",
            "/api/v1/security/three100?unit=demo-c1-k1",
            "/api/v1/security/three100/children?unit=demo-c1-k1",
            f"/api/v1/security/equipment?unit={school.code}",
            f"/api/v1/security/equipment/{item.pk}",
        ):
            r = c.get(url)
            assert r.status_code == 404, (user.username, url)
            assert "东港区" not in r.content.decode()
        assert post(c, "/api/v1/security/equipment", {"unit": school.code, "kind": "cctv", "quantity": 1,
                                                      "location": "x"}).status_code == 404  # fmt: skip
        assert patch(c, f"/api/v1/security/equipment/{item.pk}", {"quantity": 9}).status_code == 404
        body = {"client_id": cid(), "result": "fail", "note": "x"}
        assert post(c, f"/api/v1/security/equipment/{item.pk}/tests", body).status_code == 404
    item.refresh_from_db()
    assert item.quantity == 4 and not EquipmentTest.objects.exists()
