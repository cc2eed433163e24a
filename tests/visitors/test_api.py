"""The gate API's contracts: POST /gate/visits (201 approved|pending, a client-id retry 200 with the
first result), check-in/check-out (a second → 409), the visit list and one visit, the gate log;
bad input a translated 400/422 that changes nothing; outsiders 404 and see nothing."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from safecampus.visitors.models import Visit, VisitStatus

from .conftest import cid, id_number

URL = "/api/v1/gate/visits"


def post(client, url: str, body: dict | None = None, **headers):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def body(**more) -> dict:
    out = {
        "client_id": cid(),
        "visitor_name": "王建国",
        "visitor_phone": "13905321234",
        "id_number": id_number(),
        "purpose": "家长约谈",
        "expected_at": timezone.localtime().isoformat(),
        "plate": "鲁B12345",
    }
    out.update(more)
    return out


def test_create_approved_and_retry(api_client_for, head_teacher) -> None:
    c = api_client_for(head_teacher)
    payload = body()
    resp = post(c, URL, payload)
    assert resp.status_code == 201, resp.content
    first = resp.json()
    assert set(first) == {"id", "pass_code", "status"} and first["status"] == "approved"
    again = post(c, URL, payload)
    assert again.status_code == 200 and again.json() == first
    assert Visit.objects.filter(client_id=payload["client_id"]).count() == 1


def test_create_for_another_host_is_pending(api_client_for, guard, head_teacher) -> None:
    resp = post(api_client_for(guard), URL, body(host_id=head_teacher.pk))
    assert resp.status_code == 201 and resp.json()["status"] == "pending"


def test_check_in_out_and_409(api_client_for, guard, make_visit) -> None:
    visit = make_visit()
    c = api_client_for(guard)
    resp = post(c, f"{URL}/{visit.pk}/check-in")
    assert resp.status_code == 200 and resp.json()["status"] == "inside"
    again = post(c, f"{URL}/{visit.pk}/check-in")
    assert again.status_code == 409 and again.json()["detail"]
    out = post(c, f"{URL}/{visit.pk}/check-out")
    assert out.status_code == 200 and out.json()["status"] == "left"
    assert post(c, f"{URL}/{visit.pk}/check-out").status_code == 409


def test_check_in_by_a_teacher_is_403(api_client_for, head_teacher, make_visit) -> None:
    visit = make_visit()
    assert post(api_client_for(head_teacher), f"{URL}/{visit.pk}/check-in").status_code == 403


def test_watch_match_warns_at_check_in(api_client_for, guard, principal, school, make_visit) -> None:
    from safecampus.visitors import watch

    watch.add_entry(school, actor=principal, data={"name": "周强", "reason": "court_order"})
    visit = make_visit(visitor_name="周强")
    data = post(api_client_for(guard), f"{URL}/{visit.pk}/check-in").json()
    assert data["watch_match"] is True and data["warnings"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visitor_name": ""}, "visitor_name"),
        ({"visitor_phone": "12345"}, "visitor_phone"),
        ({"id_number": "110101199001011234"}, "id_number"),
        ({"expected_at": "not a time"}, "expected_at"),
        ({"plate": "$$"}, "plate"),
        ({"client_id": "nope"}, None),
        ({"host_id": 999999999}, "host_id"),
    ],
)
def test_bad_input_translated_and_nothing_written(api_client_for, head_teacher, change, field) -> None:
    before = Visit.objects.count()
    resp = post(api_client_for(head_teacher), URL, body(**change), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code in (400, 422), resp.content
    if resp.status_code == 400:
        assert resp.json()["field"] == field and resp.json()["detail"]
    assert Visit.objects.count() == before


def test_bad_input_message_in_chinese(api_client_for, head_teacher) -> None:
    resp = post(api_client_for(head_teacher), URL, body(visitor_phone="123"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in resp.json()["detail"]), resp.json()


def test_list_and_read_masked(api_client_for, guard, make_visit) -> None:
    visit = make_visit()
    c = api_client_for(guard)
    data = c.get(URL, {"unit": "demo-c1-k1-s1", "date": timezone.localdate().isoformat()}).json()
    assert data["count"] >= 1 and set(data) == {"items", "count"}
    row = next(r for r in data["items"] if r["id"] == visit.pk)
    assert row["visitor_phone"] == "139****1234" and "*" in row["id_number"]
    assert c.get(f"{URL}/{visit.pk}").json()["pass_code"] == visit.pass_code
    assert c.get(URL, {"limit": 501}).status_code == 400
    assert c.get(URL, {"status": "nope"}).status_code == 400


def test_list_query_count_does_not_grow(
    api_client_for, guard, make_visit, django_assert_max_num_queries
) -> None:
    for _i in range(12):
        make_visit()
    c = api_client_for(guard)
    with django_assert_max_num_queries(12):
        resp = c.get(URL, {"unit": "demo-c1-k1-s1", "limit": 500})
    assert resp.json()["count"] >= 12


def test_gate_log_from_the_visits(api_client_for, guard, make_visit) -> None:
    from safecampus.visitors import services

    visit = make_visit()
    services.check_in(visit, actor=guard)
    services.check_out(visit, actor=guard)
    data = (
        api_client_for(guard)
        .get("/api/v1/gate/log", {"unit": "demo-c1-k1-s1", "date": timezone.localdate().isoformat()})
        .json()
    )
    mine = [e for e in data["items"] if e["url"] and f"/{visit.pk}/" in e["url"]]
    assert [e["direction"] for e in mine] == ["in", "out"]
    assert data["count"] == len(data["items"])
    assert "东港区访客" not in json.dumps(data, ensure_ascii=False)  # names masked in the log


def test_gate_log_bad_date(api_client_for, guard) -> None:
    assert (
        api_client_for(guard)
        .get("/api/v1/gate/log", {"unit": "demo-c1-k1-s1", "date": "2026-13-01"})
        .status_code
        == 400
    )


def test_county_sees_no_visitors(api_client_for, county, make_visit) -> None:
    visit = make_visit()
    c = api_client_for(county)
    assert c.get(f"{URL}/{visit.pk}").status_code == 404
    assert c.get(URL, {"unit": "demo-c1-k1-s1"}).status_code == 404
    assert c.get(URL).json()["count"] == 0
    assert c.get("/api/v1/gate/log", {"unit": "demo-c1-k1-s1"}).status_code == 404


@pytest.mark.parametrize("name", ["outsider", "outsider_principal"])
def test_outsiders_404(request, api_client_for, make_visit, name) -> None:
    visit = make_visit()
    c = api_client_for(request.getfixturevalue(name))
    assert c.get(f"{URL}/{visit.pk}").status_code == 404
    assert post(c, f"{URL}/{visit.pk}/check-in").status_code == 404
    assert post(c, f"{URL}/{visit.pk}/check-out").status_code == 404
    assert c.get(URL, {"unit": "demo-c1-k1-s1"}).status_code == 404
    assert c.get("/api/v1/gate/log", {"unit": "demo-c1-k1-s1"}).status_code == 404
    assert visit.pk not in [r["id"] for r in c.get(URL).json()["items"]]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.APPROVED
