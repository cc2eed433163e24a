"""The API contracts of issue 19: write, inbox, read, confirm (idempotent), reach; outsiders 404;
bad input a translated 400 that changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest

from safecampus.accounts.models import User
from safecampus.notices.models import Notice, Receipt
from safecampus.roster.models import Student


def post(client, url: str, data: dict | None = None, **extra):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json", **extra)


@pytest.fixture
def county_api(api_client_for, county):
    return api_client_for(county)


@pytest.fixture
def parent_api(api_client_for, parent):
    return api_client_for(parent)


def test_publish_and_retry(county_api, letter_data, roster):
    data = letter_data(deadline="2099-06-30T18:00")
    first = post(county_api, "/api/v1/notices", data)
    assert first.status_code == 201, first.content
    body = first.json()
    assert set(body) == {"id", "recipients"} and body["recipients"] > 0
    again = post(county_api, "/api/v1/notices", data)
    assert again.status_code == 200 and again.json() == body
    assert Notice.objects.filter(client_id=data["client_id"]).count() == 1
    assert Receipt.objects.filter(notice_id=body["id"]).count() == 0  # nothing per recipient


def test_outside_subtree_is_403_and_empty_is_400(county_api, letter_data, roster):
    before = Notice.objects.count()
    outside = post(
        county_api, "/api/v1/notices", letter_data(audience={"units": ["demo-c1-k2"], "parents": True})
    )
    assert outside.status_code == 403
    empty = post(county_api, "/api/v1/notices", letter_data(audience={}))
    assert empty.status_code == 400 and empty.json()["field"] == "audience"
    zh = post(county_api, "/api/v1/notices", letter_data(audience={}), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 400 and "选择" in zh.json()["detail"]
    for bad in (
        {"kind": "memo"},
        {"confirm": "sign"},
        {"title": ""},
        {"deadline": "tomorrow"},
        {"deadline": "2001-01-01T08:00"},
        {"client_id": "not-a-uuid"},
        {"audience": {"parents": True, "classes": [2**40]}},
    ):
        resp = post(county_api, "/api/v1/notices", letter_data(**bad))
        assert resp.status_code in (400, 422), (bad, resp.content)
        assert resp.json()["detail"]
    assert Notice.objects.count() == before


def test_inbox_read_confirm(county_api, parent_api, letter_data, pupil):
    notice_id = post(county_api, "/api/v1/notices", letter_data()).json()["id"]
    inbox = parent_api.get("/api/v1/notices/inbox?unread=true").json()
    assert inbox["count"] == 1 and inbox["unread"] == 1
    (item,) = inbox["items"]
    assert item["id"] == notice_id and item["kind"] == "parent_letter" and item["confirm"] == "receipt"
    assert item["read_at"] is None
    assert item["children"] == [{"student_id": pupil.pk, "name": pupil.name, "confirmed_at": None}]

    read = post(parent_api, f"/api/v1/notices/{notice_id}/read")
    assert read.status_code == 200 and read.json()["counted"] == 1
    assert post(parent_api, f"/api/v1/notices/{notice_id}/read").json()["counted"] == 0
    assert parent_api.get("/api/v1/notices/inbox?unread=true").json()["count"] == 0

    no_child = post(parent_api, f"/api/v1/notices/{notice_id}/confirm", {})
    assert no_child.status_code == 400 and no_child.json()["field"] == "student_id"
    signed = {"student_id": pupil.pk, "signature": "M10 10 L20 20 L30 15"}
    first = post(parent_api, f"/api/v1/notices/{notice_id}/confirm", signed)
    assert first.status_code == 200 and first.json()["counted"] == 1
    assert first.json()["children"][0]["confirmed_at"] is not None
    replay = post(parent_api, f"/api/v1/notices/{notice_id}/confirm", signed)
    assert replay.status_code == 200 and replay.json()["counted"] == 0
    r = Receipt.objects.get(notice_id=notice_id)
    assert r.child_id == pupil.pk and r.version == 1 and r.signature.startswith("M10")

    reach = county_api.get(f"/api/v1/notices/{notice_id}/reach?unit=demo-c1-k1").json()
    assert reach["read"] == 1 and reach["confirmed"] == 1
    assert 0 < reach["confirm_rate"] <= 1 and reach["confirm_rate"] == round(1 / reach["recipients"], 6)
    kids = county_api.get(f"/api/v1/notices/{notice_id}/reach/children?unit=demo-c1-k1").json()
    assert [k["unit"] for k in kids] == ["demo-c1-k1-s1"]
    assert kids[0]["recipients"] == reach["recipients"] and kids[0]["confirmed"] == 1
    assert set(kids[0]) >= {"unit", "name", "recipients", "read", "confirmed", "read_rate", "confirm_rate"}


def test_rates_are_null_without_recipients(county_api, letter_data, roster):
    notice_id = post(county_api, "/api/v1/notices", letter_data()).json()["id"]
    reach = county_api.get(f"/api/v1/notices/{notice_id}/reach?unit=demo-c1-k1-s3").json()
    assert reach["recipients"] == 0 and reach["read_rate"] is None and reach["confirm_rate"] is None


def test_bad_signatures_and_children(county_api, parent_api, letter_data, pupil):
    notice_id = post(
        county_api, "/api/v1/notices", letter_data(signature=True, question="孩子是否会游泳？")
    ).json()["id"]
    url = f"/api/v1/notices/{notice_id}/confirm"
    for bad in (
        {"student_id": pupil.pk, "answer": "会"},  # no signature
        {"student_id": pupil.pk, "answer": "会", "signature": "data:image/png;base64,AAAA"},
        {"student_id": pupil.pk, "answer": "会", "signature": "<script>"},
        {"student_id": pupil.pk, "signature": "M1 1 L2 2"},  # no answer
        {"student_id": 999999, "answer": "会", "signature": "M1 1 L2 2"},
    ):
        resp = post(parent_api, url, bad)
        assert resp.status_code == 400, (bad, resp.content)
    assert not Receipt.objects.filter(notice_id=notice_id, confirmed_at__isnull=False).exists()
    ok = post(parent_api, url, {"student_id": pupil.pk, "answer": "会", "signature": "M1 1 L2 2"})
    assert ok.status_code == 200 and ok.json()["counted"] == 1
    assert Receipt.objects.get(notice_id=notice_id).answer == "会"


def test_not_a_recipient_is_404(api_client_for, county_api, letter_data, roster, outsider, head_teacher):
    notice_id = post(county_api, "/api/v1/notices", letter_data()).json()["id"]
    other_parent = User.objects.filter(guardianships__student__unit__code="demo-c1-k2-s1").first()
    klass = Student.objects.filter(unit__code="demo-c1-k1-s1").first().school_class_id
    for user in (outsider, other_parent):
        c = api_client_for(user)
        for method, url in (
            ("get", f"/api/v1/notices/{notice_id}"),
            ("post", f"/api/v1/notices/{notice_id}/read"),
            ("post", f"/api/v1/notices/{notice_id}/confirm"),
            ("get", f"/api/v1/notices/{notice_id}/reach?unit=demo-c1-k1"),
            ("get", f"/api/v1/notices/{notice_id}/reach/children?unit=demo-c1-k1"),
            ("get", f"/api/v1/notices/{notice_id}/classes/{klass}/families"),
            ("post", f"/api/v1/notices/{notice_id}/classes/{klass}/remind"),
            ("get", f"/api/v1/notices/{notice_id}/schools"),
            ("post", f"/api/v1/notices/{notice_id}/acknowledge"),
            ("post", f"/api/v1/notices/{notice_id}/withdraw"),
            ("post", f"/api/v1/notices/{notice_id}/publish"),
        ):
            resp = getattr(c, method)(
                url, **({"data": "{}", "content_type": "application/json"} if method == "post" else {})
            )
            assert resp.status_code in (404, 422), (user.username, url, resp.status_code)
            assert resp.status_code == 404 or method == "post"
        assert c.get("/api/v1/notices/inbox").json()["count"] == 0
        assert notice_id not in [n["id"] for n in c.get("/api/v1/notices").json()["items"]]
    assert not Receipt.objects.filter(notice_id=notice_id).exists()


def test_drafts_publish_withdraw(county_api, parent_api, letter_data, pupil):
    data = letter_data(draft=True)
    notice_id = post(county_api, "/api/v1/notices", data).json()["id"]
    assert parent_api.get("/api/v1/notices/inbox").json()["count"] == 0
    assert parent_api.get(f"/api/v1/notices/{notice_id}").status_code == 404
    assert post(county_api, f"/api/v1/notices/{notice_id}/publish").json()["status"] == "published"
    assert post(county_api, f"/api/v1/notices/{notice_id}/publish").status_code == 409
    assert parent_api.get("/api/v1/notices/inbox").json()["count"] == 1
    assert post(county_api, f"/api/v1/notices/{notice_id}/withdraw").json()["status"] == "withdrawn"
    assert parent_api.get("/api/v1/notices/inbox").json()["count"] == 0
    assert post(parent_api, f"/api/v1/notices/{notice_id}/read").status_code == 404


def test_limits(parent_api, pupil):
    assert parent_api.get("/api/v1/notices/inbox?limit=501").status_code == 400
    assert parent_api.get("/api/v1/notices/inbox?limit=500").status_code == 200


def test_unknown_client_id_is_uuid(county_api, letter_data, roster):
    data = letter_data(client_id=str(uuid.uuid4()))
    assert post(county_api, "/api/v1/notices", data).status_code == 201
