"""Main flow of the foundation: a county officer logs in, browses the tree, creates a school
and a person, and switches language — at phone and desktop widths, with screenshots."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent, Unit

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}


def _login(page, base: str, username: str, password: str = "Demo@2026") -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_county_officer_flow(browser, live_demo, shot, size):
    base = live_demo.url
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    page = context.new_page()
    _login(page, base, "demo_county", "wrong-password")
    assert page.locator(".alert-danger, .alert").first.is_visible()
    shot(page, f"login-error-{size}-zh")
    _login(page, base, "demo_county")
    assert page.url.rstrip("/") == base.rstrip("/")
    shot(page, f"home-{size}-zh")

    # Browse the tree: the county and its schools; expand a node lazily (htmx).
    page.goto(f"{base}/org/")
    county = Unit.objects.get(code="demo-c1-k1")
    shot(page, f"tree-{size}-zh")
    assert page.locator("main").get_by_text(county.name).first.is_visible()
    page.goto(f"{base}/org/?q=实验小学")
    assert page.locator("main").get_by_text("东港区实验小学").first.is_visible()
    # The sibling county is not in scope.
    assert page.locator("main").get_by_text("西岭区实验小学").count() == 0

    # Create a school under the county.
    code = f"demo-c1-k1-s{8 if size == 'phone' else 9}"
    page.goto(f"{base}/org/units/{county.pk}/new/")
    page.select_option("select[name=kind]", "school")
    page.fill("input[name=code]", code)
    page.fill("input[name=name]", f"东港区第{'八' if size == 'phone' else '九'}小学")
    page.select_option("select[name=school_type]", "primary")
    page.fill("input[name=address]", "海州市东港区新华路9号")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    new_school = Unit.objects.get(code=code)
    assert new_school.get_parent() == county
    assert f"/org/units/{new_school.pk}/" in page.url
    shot(page, f"unit-created-{size}-zh")

    # Create a person at the new school.
    page.goto(f"{base}/people/new/?unit={new_school.pk}")
    page.select_option("select[name=role]", "principal")
    page.fill("input[name=name]", "钱文华")
    page.fill("input[name=username]", f"qian_{size}")
    page.fill("input[name=phone]", "1370000000" + ("1" if size == "phone" else "2"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    person = User.objects.get(username=f"qian_{size}")
    assert person.must_change_password
    assert person.memberships.get().unit == new_school
    shot(page, f"user-created-{size}-zh")
    assert AuditEvent.objects.filter(verb="user.created", target_id=str(person.pk)).exists()

    # Switch language: the same page in English, then back.
    page.goto(f"{base}/org/units/{new_school.pk}/")
    page.click("#lang-switch") if size == "desktop" else _switch_language_phone(page)
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=15_000)
    page.wait_for_load_state("networkidle")
    shot(page, f"unit-{size}-en")
    page.goto(f"{base}/org/")
    shot(page, f"tree-{size}-en")
    page.goto(f"{base}/people/")
    shot(page, f"people-{size}-en")
    context.close()


def _switch_language_phone(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#mainnav.show").wait_for(state="visible")  # the menu has finished opening
    page.locator("#lang-switch").click()


def test_outsider_sees_nothing_in_browser(browser, live_demo):
    base = live_demo.url
    page = browser.new_context(viewport=SIZES["desktop"]).new_page()
    _login(page, base, "demo_county2")
    school = Unit.objects.get(code="demo-c1-k1-s1")
    resp = page.goto(f"{base}/org/units/{school.pk}/")
    assert resp.status == 404
    page.goto(f"{base}/org/?q=东港")
    assert page.locator("main").get_by_text("东港区实验小学").count() == 0
