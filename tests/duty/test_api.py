"""The duty API: `/today` contract, shift lists, take over / hand over with retries, swaps; bad input
is a translated 400 that changes nothing; outsiders get 404 and see nothing."""

from __future__ import annotations

import json
import uuid

import pytest
import time_machine

from safecampus.duty.demo import load_demo_duty
from safecampus.duty.models import Shift, ShiftStatus, Swap

from .conftest import at

NOW = at(2026, 9, 14, 10)  # a Monday of the autumn term
U = "/api/v1/duty"
SHIFT_KEYS = {
    "id",
    "kind",
    "slot",
    "start",
    "end",
    "person",
    "status",
    "taken_over_at",
    "handed_over_at",
    "evidence",
}


@pytest.fixture
def roster(demo):
    with time_machine.travel(NOW, tick=False):
        load_demo_duty()


def _post(client, path, body=None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


@time_machine.travel(NOW, tick=False)
def test_today_contract(roster, api_client_for, principal, head_teacher):
    r = api_client_for(principal).get(f"{U}/today?unit=demo-c1-k1-s1")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"unit", "date", "leadership", "duty", "gate"}
    assert body["unit"] == "demo-c1-k1-s1" and body["date"] == "2026-09-14"
    assert [s["person"]["name"] for s in body["leadership"]] == [principal.name]
    assert [s["person"]["id"] for s in body["duty"]] == [head_teacher.pk]
    assert body["gate"] == []  # 10:00: no gate post now
    shift = body["leadership"][0]
    assert set(shift) >= SHIFT_KEYS
    assert shift["kind"] == "leadership" and shift["slot"] == "24h" and shift["status"] == "on_duty"
    assert set(shift["evidence"]) >= {"scans", "first", "last", "points"}


@time_machine.travel(NOW, tick=False)
def test_teacher_reads_only_own_shifts(roster, api_client_for, head_teacher):
    c = api_client_for(head_teacher)
    body = c.get(f"{U}/today?unit=demo-c1-k1-s1").json()
    assert body["leadership"] == [] and [s["person"]["id"] for s in body["duty"]] == [head_teacher.pk]
    items = c.get(f"{U}/shifts?unit=demo-c1-k1-s1&from=2026-09-14&to=2026-09-27").json()
    assert items["count"] == len(items["items"]) > 0
    assert {s["person"]["id"] for s in items["items"]} == {head_teacher.pk}


@time_machine.travel(NOW, tick=False)
def test_list_filters_and_bad_ranges(roster, api_client_for, principal):
    c = api_client_for(principal)
    week = c.get(f"{U}/shifts?unit=demo-c1-k1-s1").json()
    assert week["count"] == Shift.objects.filter(date__range=("2026-09-14", "2026-09-20")).count()
    mine = c.get(f"{U}/shifts?unit=demo-c1-k1-s1&mine=true").json()
    assert {s["person"]["id"] for s in mine["items"]} == {principal.pk}
    for q, field in (
        ("from=2026-02-30", "from"),
        ("from=2026-09-20&to=2026-09-14", "to"),
        ("from=2026-09-01&to=2026-12-31", "to"),
    ):
        r = c.get(f"{U}/shifts?unit=demo-c1-k1-s1&{q}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 400, q
        assert r.json()["field"] == field
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"]) or r.json()["detail"]


@time_machine.travel(at(2026, 9, 14, 16, 10), tick=False)
def test_take_over_and_hand_over(roster, api_client_for, guard, principal):
    gate = Shift.objects.get(person=guard, date="2026-09-14", slot="dismissal")
    c = api_client_for(guard)
    key = str(uuid.uuid4())
    r = _post(c, f"{U}/shifts/{gate.pk}/hand-over", {"client_id": str(uuid.uuid4()), "note": "正常"})
    assert r.status_code == 409
    r = _post(c, f"{U}/shifts/{gate.pk}/take-over", {"client_id": key, "note": "到岗"})
    assert r.status_code == 200 and r.json()["status"] == "on_duty"
    first = r.json()
    again = _post(c, f"{U}/shifts/{gate.pk}/take-over", {"client_id": key, "note": "到岗"})
    assert again.status_code == 200 and again.json() == first
    r = _post(c, f"{U}/shifts/{gate.pk}/hand-over", {"client_id": "not-a-uuid", "note": "正常"})
    assert r.status_code == 400 and r.json()["field"] == "client_id"
    r = _post(
        c,
        f"{U}/shifts/{gate.pk}/hand-over",
        {"client_id": str(uuid.uuid4()), "note": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 400 and r.json()["field"] == "note"
    gate.refresh_from_db()
    assert gate.status == ShiftStatus.ON_DUTY and not gate.hand_over_note
    r = _post(api_client_for(principal), f"{U}/shifts/{gate.pk}/hand-over", {"note": "x"})
    assert r.status_code == 403
    r = _post(c, f"{U}/shifts/{gate.pk}/hand-over", {"client_id": str(uuid.uuid4()), "note": "学生安全离校"})
    assert r.status_code == 200 and r.json()["status"] == "handed_over" and r.json()["handed_over_at"]


@time_machine.travel(NOW, tick=False)
def test_swaps_api(roster, api_client_for, safety, head_teacher, principal):
    shift = Shift.objects.filter(person=head_teacher, date="2026-09-15").first()
    c = api_client_for(head_teacher)
    body = {"shift": shift.pk, "to_person": safety.pk, "reason": "外出学习", "client_id": str(uuid.uuid4())}
    r = _post(c, f"{U}/swaps", {**body, "reason": ""})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = _post(c, f"{U}/swaps", body)
    assert r.status_code == 201, r.content
    swap_id = r.json()["id"]
    assert _post(c, f"{U}/swaps", body).status_code == 200  # a retry
    assert _post(c, f"{U}/swaps/{swap_id}/approve").status_code == 403  # not a manager
    pending = api_client_for(principal).get(f"{U}/swaps?unit=demo-c1-k1-s1&status=requested").json()
    assert swap_id in [w["id"] for w in pending["items"]]
    r = _post(api_client_for(principal), f"{U}/swaps/{swap_id}/approve", {"note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Shift.objects.get(pk=shift.pk).person_id == safety.pk


@pytest.mark.parametrize("who", ["outsider", "outsider_principal"])
@time_machine.travel(NOW, tick=False)
def test_outsiders_get_404_and_nothing(roster, api_client_for, request, who):
    c = api_client_for(request.getfixturevalue(who))
    shift = Shift.objects.filter(unit__code="demo-c1-k1-s1").first()
    swap = Swap.objects.first()
    before = (
        Shift.objects.filter(status=ShiftStatus.PLANNED).count(),
        Swap.objects.filter(status="requested").count(),
    )
    for path in (
        f"{U}/today?unit=demo-c1-k1-s1",
        f"{U}/shifts?unit=demo-c1-k1-s1",
        f"{U}/shifts/{shift.pk}",
        f"{U}/swaps?unit=demo-c1-k1-s1",
    ):
        assert c.get(path).status_code == 404, path
    for path in (
        f"{U}/shifts/{shift.pk}/take-over",
        f"{U}/shifts/{shift.pk}/hand-over",
        f"{U}/swaps/{swap.pk}/approve",
        f"{U}/swaps/{swap.pk}/reject",
    ):
        assert _post(c, path, {"note": "x"}).status_code == 404, path
    assert _post(c, f"{U}/swaps", {"shift": shift.pk, "to_person": 1, "reason": "x"}).status_code == 404
    # Their own place: nothing of demo-c1-k1-s1.
    own = c.get(f"{U}/shifts").json() if c.get(f"{U}/shifts").status_code == 200 else {"items": []}
    assert not [s for s in own["items"] if s["unit"] == "demo-c1-k1-s1"]
    after = (
        Shift.objects.filter(status=ShiftStatus.PLANNED).count(),
        Swap.objects.filter(status="requested").count(),
    )
    assert before == after
