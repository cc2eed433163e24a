"""The audited "show" button on a person's page (htmx) and the public parent password reset page,
in a real browser at phone and desktop widths, with screenshots."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_show_phone_on_person_page(browser, live_demo, shot, size):
    base = live_demo.url
    principal = User.objects.get(username="demo_principal")
    page = browser.new_context(viewport=SIZES[size], locale="en-US").new_page()
    _login(page, base, "demo_schooladmin")
    page.goto(f"{base}/people/{principal.pk}/")
    phone = page.locator("#person-phone")
    assert principal.phone_masked in phone.inner_text()
    phone.get_by_role("button").click()
    phone = page.locator("#person-phone")
    phone.get_by_text(principal.phone).wait_for()
    shot(page, f"person-phone-shown-{size}-en")
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(principal.pk)).exists()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_parent_reset_page(browser, live_demo, shot, size):
    base = live_demo.url
    page = browser.new_context(viewport=SIZES[size], locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.click("#parent-reset-link")
    page.fill("input[name=phone]", "13700000000")
    page.fill("input[name=code]", "ABCD-EFGH")
    page.fill("input[name=new_password]", "Lantern-Harbour-42")
    page.fill("input[name=new_password2]", "Lantern-Harbour-42")
    page.click("#parent-reset-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("main .alert-danger").is_visible()
    shot(page, f"parent-reset-error-{size}-zh")
