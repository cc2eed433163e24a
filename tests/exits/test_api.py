"""The exits API contracts: create (201 pending, 200 on a retry), approve (head teacher only,
else 403; unseen 404), decline, list and read, the gate check (exit, then return), bad input 400
translated and nothing changed, outsiders 404."""

from __future__ import annotations

import json
import uuid

import pytest

from safecampus.core.models import AuditEvent
from safecampus.exits.models import ExitPass, ExitStatus
from safecampus.inbox.models import Notification

from .conftest import window

pytestmark = pytest.mark.django_db


def post(c, url, body=None, **headers):
    return c.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def body_for(student, **more):
    start, end = window()
    return {"student_id": student.pk, "reason": "看牙医", "from": start, "until": end, **more}


def test_create_approve_check_and_return(api_client_for, head_teacher, guard, parent, pupil):
    c = api_client_for(parent)
    cid = str(uuid.uuid4())
    resp = post(c, "/api/v1/gate/exits", body_for(pupil, client_id=cid))
    assert resp.status_code == 201, resp.content
    made = resp.json()
    assert set(made) == {"id", "code", "status"} and made["status"] == "pending"
    again = post(c, "/api/v1/gate/exits", body_for(pupil, client_id=cid))
    assert again.status_code == 200 and again.json()["id"] == made["id"]

    g = api_client_for(guard)
    refused = post(g, "/api/v1/gate/passes/check", {"code": made["code"]}).json()
    assert refused["allowed"] is False and refused["reason"] and refused["action"] is None

    assert post(api_client_for(guard), f"/api/v1/gate/exits/{made['id']}/approve").status_code == 403
    ok = post(api_client_for(head_teacher), f"/api/v1/gate/exits/{made['id']}/approve", {"note": "好"})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert post(api_client_for(head_teacher), f"/api/v1/gate/exits/{made['id']}/approve").status_code == 409

    out = post(g, "/api/v1/gate/passes/check", {"code": made["code"]}).json()
    assert out["allowed"] is True and out["action"] == "exit"
    assert out["student"] == {"name": pupil.name, "class": str(pupil.school_class), "photo_url": None}
    back = post(g, "/api/v1/gate/passes/check", {"code": made["code"]}).json()
    assert back["allowed"] is True and back["action"] == "return"
    assert ExitPass.objects.get(pk=made["id"]).status == ExitStatus.RETURNED
    assert Notification.objects.filter(user=parent, dedupe_key__startswith=f"exit:{made['id']}:").count() == 3


def test_head_teacher_create_answers_pending(api_client_for, head_teacher, classmate):
    resp = post(api_client_for(head_teacher), "/api/v1/gate/exits", body_for(classmate))
    assert resp.status_code == 201 and resp.json()["status"] == "pending"


def test_decline_and_cancel(api_client_for, head_teacher, parent, pupil):
    made = post(api_client_for(parent), "/api/v1/gate/exits", body_for(pupil)).json()
    resp = post(api_client_for(head_teacher), f"/api/v1/gate/exits/{made['id']}/decline")
    assert resp.status_code == 200 and resp.json()["status"] == "declined"
    other = post(api_client_for(parent), "/api/v1/gate/exits", body_for(pupil)).json()
    assert (
        post(api_client_for(parent), f"/api/v1/gate/exits/{other['id']}/cancel").json()["status"]
        == "cancelled"
    )


def test_list_and_read(api_client_for, make_pass, principal, parent, head_teacher, pupil):
    p = make_pass(approve=True)
    mine = make_pass(student=pupil, actor=parent)
    body = api_client_for(principal).get("/api/v1/gate/exits").json()
    assert body["count"] == 2 and {i["id"] for i in body["items"]} == {p.pk, mine.pk}
    assert api_client_for(principal).get("/api/v1/gate/exits", {"status": "approved"}).json()["count"] == 1
    assert api_client_for(parent).get("/api/v1/gate/exits").json()["count"] == 1  # own child only
    one = api_client_for(head_teacher).get(f"/api/v1/gate/exits/{p.pk}").json()
    assert one["status"] == "approved" and one["from"] and one["until"]
    assert api_client_for(parent).get(f"/api/v1/gate/exits/{p.pk}").status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"reason": ""}, "reason"),
        ({"from": "yesterday"}, "from"),
        ({"kind": "x"}, "kind"),
        ({"student_id": 0}, "student_id"),
    ],
)
def test_bad_input_is_a_translated_400_and_changes_nothing(
    api_client_for, head_teacher, classmate, change, field
):
    c = api_client_for(head_teacher)
    events = AuditEvent.objects.count()
    resp = post(c, "/api/v1/gate/exits", {**body_for(classmate), **change}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert resp.status_code == 400, resp.content
    err = resp.json()
    assert err["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in err["detail"])
    assert not ExitPass.objects.exists() and AuditEvent.objects.count() == events


def test_check_without_code_is_400(api_client_for, guard):
    resp = post(api_client_for(guard), "/api/v1/gate/passes/check", {})
    assert resp.status_code == 400 and resp.json()["field"] == "code"


def test_outsiders_get_404_and_no_data(api_client_for, make_pass, outsider, outsider_principal, classmate):
    p = make_pass(approve=True)
    for who in (outsider, outsider_principal):
        c = api_client_for(who)
        assert c.get(f"/api/v1/gate/exits/{p.pk}").status_code == 404
        for action in ("approve", "decline", "cancel"):
            assert post(c, f"/api/v1/gate/exits/{p.pk}/{action}").status_code == 404
        listed = c.get("/api/v1/gate/exits").json()
        assert listed["count"] == 0
        resp = post(c, "/api/v1/gate/exits", body_for(classmate))
        assert resp.status_code == 400 and classmate.name not in resp.content.decode()
    checked = post(api_client_for(outsider_principal), "/api/v1/gate/passes/check", {"code": p.code})
    assert checked.status_code == 200 and checked.json()["allowed"] is False
    assert checked.json()["student"] is None and classmate.name not in checked.content.decode()
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED
