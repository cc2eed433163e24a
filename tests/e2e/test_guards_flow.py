"""Guards in the browser: demo_schooladmin, on a 375 px phone in Chinese, registers a guard — first
with a bad ID-card number (the translated error in place, nothing saved), then right — sees the
masked mobile on the guard's page and shows it (recorded in the audit log); demo_county (desktop)
opens the county's staffing board and finds the school, then downloads the Excel export."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.core.models import AuditEvent, Unit
from safecampus.guards import demo
from safecampus.guards.models import Guard

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


def test_school_admin_registers_a_guard_and_county_reads_the_board(browser, live_demo, shot):
    base = live_demo.url
    demo.load_guards_demo()
    school = Unit.objects.get(code="demo-c1-k1-s1")
    context = browser.new_context(viewport=SIZES["phone"], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = context.new_page()
    _login(page, base, "demo_schooladmin")
    page.goto(f"{base}/security/guards/")
    assert "保安员名册" in page.locator("#page-title").inner_text()
    assert page.locator("#guards-table tbody tr").count() == 3
    page.click("#add-guard")
    page.fill("#id_name", "周保国")
    page.fill("#id_id_number", "123")
    page.fill("#id_phone", "13963317654")
    page.click("#save-guard")
    assert "有效的18位身份证号" in page.locator("#guard-form").inner_text()
    assert not Guard.objects.filter(name="周保国").exists()
    shot(page, "guards-form-error-phone-zh")
    page.fill("#id_id_number", demo.id_number(dt.date(1985, 3, 3), 77))
    page.fill("#id_phone", "13963317654")
    page.fill("#id_certificate_no", "鲁公保2025000777")
    page.fill("#id_certificate_expires", "2029-06-30")
    page.click("#save-guard")
    page.wait_for_load_state("networkidle")
    guard = Guard.objects.get(name="周保国")
    assert "139****7654" in page.locator("#guard-phone").inner_text()
    page.locator("#guard-phone button").click()
    page.wait_for_selector("#guard-phone .user-select-all")
    assert "13963317654" in page.locator("#guard-phone").inner_text()
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(guard.pk)).count() == 1
    shot(page, "guards-guard-phone-zh")
    context.close()

    desk = browser.new_context(viewport=SIZES["desktop"])
    page = desk.new_page()
    _login(page, base, "demo_county")
    page.goto(f"{base}/security/guards/")
    assert school.name in page.locator("#units-table").inner_text()
    assert page.locator("#short-table tbody tr").count() >= 1
    shot(page, "guards-board-desktop")
    with page.expect_download() as got:
        page.click("#export-xlsx")
    assert got.value.suggested_filename.startswith("guard-staffing-demo-c1-k1-")
    desk.close()
