"""The responsibility letter in the browser: demo_teacher, on a 375 px phone, reads her head
teacher's letter, tries to sign without drawing (refused in place), draws her signature on the
canvas with the finger (touch) and signs; the signed PDF is linked and verifies; demo_principal
(desktop) sees her letter signed on the school's page."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.responsibility import services
from safecampus.responsibility.models import Post, PostKind, Signature
from tests.responsibility.helpers import county_texts

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def letters(live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    county_texts(User.objects.get(username="demo_county"))
    principal = User.objects.get(username="demo_principal")
    services.sync_posts(Unit.objects.get(code="demo-c1-k1-s1"), actor=principal)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_teacher_signs_on_the_phone(browser, letters, live_demo, shot, lang):
    base = live_demo.url
    context = browser.new_context(viewport=SIZES["phone"], has_touch=True, is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    _login(page, base, "demo_teacher")
    page.goto(f"{base}/responsibility/")
    canvas = page.locator(".resp-canvas")
    canvas.scroll_into_view_if_needed()
    page.click(".resp-submit")
    assert page.locator(".resp-error").inner_text().strip()  # nothing drawn: refused in place
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 120)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 20 + i * 9, box["y"] + 120 - (i % 5) * 18)
    page.mouse.up()
    shot(page, f"letters_teacher_phone_{lang}")
    page.click(".resp-submit")
    page.wait_for_load_state("networkidle")
    post = Post.objects.get(holder__username="demo_teacher", kind=PostKind.HEAD_TEACHER, active=True)
    sig = Signature.objects.get(post=post)
    assert services.verify(sig)["valid"]
    assert page.locator(f"#signed-{post.pk} a[href$='letter.pdf']").count() == 1
    shot(page, f"letters_teacher_signed_{lang}")
    context.close()

    context = browser.new_context(viewport=SIZES["desktop"])
    page = context.new_page()
    _login(page, base, "demo_principal")
    page.goto(f"{base}/responsibility/school/")
    row = page.locator(f"#post-{post.pk}")
    assert row.locator(".badge.text-bg-success").count() == 1
    shot(page, f"letters_principal_school_{lang}")
    context.close()
