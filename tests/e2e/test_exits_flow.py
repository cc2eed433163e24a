"""A pupil leaving during school hours, in the browser: demo_parent's request for demo_student
waits for demo_teacher (the demo); demo_teacher, on a 375 px phone, follows the home page's
"today" card, opens the request and approves it; demo_parent is told in the app and sees the
pass with its QR code; demo_guard at the gate enters the code, sees the pupil in green and
records the exit. Chinese, with screenshots."""

from __future__ import annotations

import os

import pytest

from safecampus.exits.models import ExitPass, ExitStatus
from safecampus.inbox.models import Notification

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_exits(live_demo, monkeypatch):
    monkeypatch.setitem(os.environ, "SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.exits.demo import load_exits_demo
    from safecampus.roster.demo import load_roster

    load_roster()
    load_exits_demo()
    return ExitPass.objects.select_related("student").get(
        student__user__username="demo_student", status=ExitStatus.PENDING
    )


def test_demo_teacher_approves_an_exit(browser, live_demo, shot, demo_exits):
    base, request = live_demo.url, demo_exits
    phone = browser.new_context(viewport=SIZES["phone"], locale="zh-CN").new_page()
    phone.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    _login(phone, base, "demo_teacher")
    card = phone.locator('main a[href="/gate/exits/"]').first
    assert card.is_visible()
    card.click()
    phone.wait_for_load_state("networkidle")
    rows = phone.locator(f'#to-approve .exit-row[data-exit="{request.pk}"]')
    assert rows.count() == 1 and request.student.name in rows.inner_text()
    shot(phone, "exits-to-approve-phone-zh")
    rows.click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#exit-status").inner_text() == "待班主任审批"
    phone.click("#approve-button")
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#exit-status").inner_text() == "已批准"
    assert phone.locator("#exit-qr img").is_visible()
    shot(phone, "exits-approved-phone-zh")
    request.refresh_from_db()
    assert request.status == ExitStatus.APPROVED and request.decided_by.username == "demo_teacher"

    # The parent is told in the app (after the commit of the decision).
    assert Notification.objects.filter(
        user__username="demo_parent", dedupe_key=f"exit:{request.pk}:approved"
    ).exists()

    # At the gate: the code, a green verdict, the exit recorded.
    gate = browser.new_context(viewport=SIZES["phone"], locale="zh-CN").new_page()
    gate.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    _login(gate, base, "demo_guard")
    gate.goto(f"{base}/gate/exits/")
    gate.fill("#code-input", request.code_display)
    gate.click("#code-form button[type=submit]")
    gate.wait_for_load_state("networkidle")
    assert gate.locator("#verdict").get_attribute("data-allowed") == "1"
    assert request.student.name in gate.locator("#verdict-pupil").inner_text()
    gate.click("#record-button")
    gate.wait_for_load_state("networkidle")
    assert "已登记出校" in gate.locator("#verdict").inner_text()
    shot(gate, "exits-gate-recorded-phone-zh")
    request.refresh_from_db()
    assert request.status == ExitStatus.OUT and request.out_by.username == "demo_guard"
