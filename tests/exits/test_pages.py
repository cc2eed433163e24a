"""The pages: the head teacher's requests to approve and decision, the parent's request, the pass
with its QR, the guard's check (GET judges, POST records), bad input shown on the form, outsiders 404."""

from __future__ import annotations

import pytest

from safecampus.exits.models import ExitPass, ExitStatus
from safecampus.inbox.models import Notification

from .conftest import window

pytestmark = pytest.mark.django_db


def local(iso: str) -> str:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    return f"{timezone.localtime(parse_datetime(iso)):%Y-%m-%dT%H:%M}"


def test_parent_asks_and_head_teacher_approves(client_for, parent, pupil, head_teacher):
    c = client_for(parent)
    page = c.get("/gate/exits/new/")
    assert page.status_code == 200 and pupil.name in page.content.decode()
    start, end = window(0, 3)
    form = page.context["form"]
    resp = c.post("/gate/exits/new/", {
        "client_id": form["client_id"].value(), "student": pupil.pk, "kind": "day", "reason": "看牙医",
        "window_from": local(start), "window_until": local(end),
    })  # fmt: skip
    p = ExitPass.objects.get()
    assert resp.status_code == 302 and p.status == ExitStatus.PENDING and p.requested_as == "parent"

    t = client_for(head_teacher)
    home = t.get("/gate/exits/").content.decode()
    assert 'id="to-approve"' in home and pupil.name in home
    detail = t.get(f"/gate/exits/{p.pk}/").content.decode()
    assert 'id="approve-button"' in detail
    assert t.post(f"/gate/exits/{p.pk}/approve/").status_code == 302
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED
    assert Notification.objects.filter(user=parent, dedupe_key=f"exit:{p.pk}:approved").exists()
    qr = c.get(f"/gate/exits/{p.pk}/").content.decode()
    assert 'id="exit-qr"' in qr and p.code_display in qr


def test_head_teachers_request_is_approved_at_once(client_for, head_teacher, classmate):
    c = client_for(head_teacher)
    form = c.get("/gate/exits/new/").context["form"]
    start, end = window(0, 2)
    c.post("/gate/exits/new/", {
        "client_id": form["client_id"].value(), "student": classmate.pk, "kind": "day", "reason": "发烧回家",
        "window_from": local(start), "window_until": local(end),
    })  # fmt: skip
    assert ExitPass.objects.get().status == ExitStatus.APPROVED


def test_bad_input_is_shown_on_the_form_and_changes_nothing(client_for, head_teacher, classmate):
    c = client_for(head_teacher)
    form = c.get("/gate/exits/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").context["form"]
    start, _end = window(0, 2)
    resp = c.post("/gate/exits/new/", {
        "client_id": form["client_id"].value(), "student": classmate.pk, "kind": "day", "reason": "",
        "window_from": local(start), "window_until": local(start),
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert resp.status_code == 200 and not ExitPass.objects.exists()
    errors = resp.context["form"].errors
    assert "reason" in errors and "window_until" in errors
    body = resp.content.decode()
    assert "结束时间须晚于开始时间" in body


def test_only_the_head_teacher_decides_on_the_page(client_for, make_pass, principal):
    p = make_pass()
    assert client_for(principal).post(f"/gate/exits/{p.pk}/approve/").status_code == 403
    p.refresh_from_db()
    assert p.status == ExitStatus.PENDING


def test_guard_checks_then_records(client_for, guard, make_pass):
    p = make_pass(approve=True)
    g = client_for(guard)
    looked = g.get(f"/gate/exits/check/?code={p.code}")
    body = looked.content.decode()
    assert looked.status_code == 200 and 'data-allowed="1"' in body and 'id="record-button"' in body
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED  # looking records nothing
    done = g.post("/gate/exits/check/", {"code": p.code}).content.decode()
    assert "Exit recorded" in done
    p.refresh_from_db()
    assert p.status == ExitStatus.OUT
    today = g.get("/gate/exits/").content.decode()
    assert 'id="today-passes"' in today and p.student.name in today


def test_guard_sees_refusal_in_red(client_for, guard, make_pass):
    p = make_pass()
    body = (
        client_for(guard)
        .get(f"/gate/exits/check/?code={p.code}", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert 'data-allowed="0"' in body and "班主任尚未批准此出校单" in body
    empty = client_for(guard).get("/gate/exits/check/?code=")
    assert empty.status_code == 400


def test_outsiders_get_404(client_for, make_pass, outsider, outsider_principal):
    p = make_pass(approve=True)
    for who in (outsider, outsider_principal):
        c = client_for(who)
        for url in (f"/gate/exits/{p.pk}/",):
            assert c.get(url).status_code == 404
        for action in ("approve", "decline", "cancel"):
            assert c.post(f"/gate/exits/{p.pk}/{action}/").status_code == 404
        assert c.get("/gate/exits/new/").status_code == 404
    body = client_for(outsider_principal).get("/gate/exits/").content.decode()
    assert p.student.name not in body
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED


def test_today_card_counts_requests(client_for, head_teacher, parent, pupil, make_pass):
    from safecampus.core import today

    make_pass(student=pupil, actor=parent)
    card = (
        next(c for c in today.registered() if c.key == "exits.to_approve")
        if hasattr(today, "registered")
        else None
    )
    if card is not None:
        assert card.count(head_teacher, None) == 1
