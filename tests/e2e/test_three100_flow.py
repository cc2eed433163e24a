"""The three-100% board in the browser: demo-c1-k1-s1's register is loaded (the demo's camera
not networked), demo_county (desktop and a 375 px phone, Chinese) opens the board from the
navigation, sees the county's rates, the school listed as falling short of video networked,
drills down to the school and back up; with screenshots."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.defence import demo

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_county_opens_the_three100_board(browser, live_demo, shot, size, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code="demo-c1-k1-s1")
    demo.load_school(school, User.objects.get(username="demo_operator"), "ok")
    base = live_demo.url
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = context.new_page()
    _login(page, base, "demo_county")
    page.goto(f"{base}/security/three100/")
    assert page.locator("#place-name").inner_text().strip()
    page.goto(f"{base}/security/three100/?unit=demo-c1-k1")
    assert "三个100%" in page.content()
    assert page.locator("#fig-schools").inner_text().strip() != "0"
    row = page.locator(f"#short-{school.code}")
    assert "视频监控联网" in row.inner_text()
    shot(page, f"three100-county-{size}")
    page.select_option("#f-indicator", "video_networked")
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#short-{school.code}").count() == 1
    page.click(f"#short-{school.code} a")
    page.wait_for_load_state("networkidle")
    assert page.locator("#school-facts").count() == 1
    shot(page, f"three100-school-{size}")
    context.close()
