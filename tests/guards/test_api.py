"""The security API: staffing of a school or the schools below, guards list / one / create /
update; masked personal data; bad input 400 translated and nothing changed; outsiders 404."""

from __future__ import annotations

import pytest

from safecampus.guards.models import Guard

pytestmark = pytest.mark.django_db
KEYS = {"unit", "students", "required", "on_post", "certified", "compliant"}


def test_staffing_for_a_school_and_the_schools_below(
    api_client_for, county, school_admin, make_guard, school
):
    make_guard()
    r = api_client_for(school_admin).get("/api/v1/security/staffing?unit=demo-c1-k1-s1")
    assert r.status_code == 200
    (row,) = r.json()["schools"]
    assert set(row) == KEYS and row["unit"] == school.code and row["on_post"] == 1 and row["certified"] == 1
    r = api_client_for(county).get("/api/v1/security/staffing?unit=demo-c1-k1")
    codes = [s["unit"] for s in r.json()["schools"]]
    assert r.status_code == 200 and len(codes) == 3 and all(c.startswith("demo-c1-k1-") for c in codes)


def test_outsiders_get_404_everywhere(api_client_for, outsider, outsider_principal, make_guard):
    g = make_guard()
    for who in (outsider, outsider_principal):
        c = api_client_for(who)
        assert c.get("/api/v1/security/staffing?unit=demo-c1-k1").status_code == 404
        assert c.get("/api/v1/security/guards?unit=demo-c1-k1-s1").status_code == 404
        assert c.get(f"/api/v1/security/guards/{g.pk}").status_code == 404
        r = c.patch(f"/api/v1/security/guards/{g.pk}", {"name": "x"}, content_type="application/json")
        assert r.status_code == 404
        assert c.post(f"/api/v1/security/guards/{g.pk}/leave").status_code == 404
        r = c.post(
            "/api/v1/security/guards", {"unit": "demo-c1-k1-s1", "name": "x"}, content_type="application/json"
        )
        assert r.status_code == 404
    g.refresh_from_db()
    assert g.name != "x" and g.on_post


def test_create_read_update_and_leave(api_client_for, school_admin):
    c = api_client_for(school_admin)
    body = {
        "unit": "demo-c1-k1-s1",
        "name": "吴卫东",
        "id_number": "37110219800101123X",
        "phone": "13963319999",
        "certificate_no": "鲁公保2024000001",
        "certificate_expires": "2030-01-01",
    }
    from safecampus.core.validators import parse_id_card

    if parse_id_card(body["id_number"]) is None:
        import datetime as dt

        from safecampus.guards.demo import id_number

        body["id_number"] = id_number(dt.date(1980, 1, 1), 123)
    r = c.post("/api/v1/security/guards", body, content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["phone"] == "139****9999" and "*" in out["id_number"] and out["birth_date"] == "1980-01-01"
    assert out["certified"] and not out["expiring"]
    r = c.patch(f"/api/v1/security/guards/{out['id']}", {"full_time": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["full_time"] is False and r.json()["name"] == "吴卫东"
    r = c.get("/api/v1/security/guards?unit=demo-c1-k1-s1")
    assert r.json()["count"] == 1 and r.json()["items"][0]["id"] == out["id"]
    r = c.post(f"/api/v1/security/guards/{out['id']}/leave")
    assert r.status_code == 200 and r.json()["status"] == "left"
    assert c.post(f"/api/v1/security/guards/{out['id']}/leave").status_code == 409


def test_bad_input_is_a_translated_400_and_changes_nothing(api_client_for, school_admin, make_guard):
    g = make_guard()
    c = api_client_for(school_admin)
    before = Guard.objects.count()
    r = c.post(
        "/api/v1/security/guards",
        {"unit": "demo-c1-k1-s1", "name": "", "phone": "123"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 400 and r.json()["field"] in {"name", "phone"}
    assert Guard.objects.count() == before
    r = c.patch(
        f"/api/v1/security/guards/{g.pk}",
        {"name": "新", "employment": "contracted"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "company"
    g.refresh_from_db()
    assert g.name.startswith("东港区保安") and g.employment == "employed"
    r = c.post(
        "/api/v1/security/guards", {"unit": "demo-c1-k1-s1", "nope": 1}, content_type="application/json"
    )
    assert r.status_code in (400, 422)
    assert c.get("/api/v1/security/guards?unit=demo-c1-k1-s1&limit=0").status_code == 400


def test_bureaus_read_masked_and_cannot_write(api_client_for, county, guard, make_guard):
    g = make_guard(phone="13963315555")
    c = api_client_for(county)
    r = c.get(f"/api/v1/security/guards/{g.pk}")
    assert r.status_code == 200 and r.json()["phone"] == "139****5555"
    r = c.patch(f"/api/v1/security/guards/{g.pk}", {"name": "x"}, content_type="application/json")
    assert r.status_code == 403
    # The guard reads the gate, not the register.
    assert api_client_for(guard).get(f"/api/v1/security/guards/{g.pk}").status_code == 404
