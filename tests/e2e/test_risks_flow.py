"""demo_safety identifies a risk point, grades it by LEC, grades it again by LS, adds the control
plan a major risk needs, confirms it and prints its post's notice card — on a phone and a desktop,
in Chinese and English, with screenshots of the ledger, the point, the map and the county's view."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.risks.demo import load_school
from safecampus.risks.models import RiskPoint, Status

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_risks(live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    school = Unit.objects.get(code="demo-c1-k1-s1")
    load_school(school, User.objects.get(username="demo_operator"))
    return school


@pytest.mark.parametrize(
    ("size", "lang"), [("phone", "zh-hans"), ("phone", "en"), ("desktop", "zh-hans"), ("desktop", "en")]
)
def test_safety_staff_creates_grades_and_prints(browser, live_demo, shot, demo_risks, size, lang):
    base = live_demo.url
    school = demo_risks
    tag = f"{size}-{'zh' if lang == 'zh-hans' else 'en'}"
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "demo_safety")

    if size == "desktop":
        page.click("#nav-group-prevention > a")  # the dual prevention group of the bar
        page.click("#mainnav a[href='/risks/']")
    else:
        page.goto(f"{base}/risks/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/risks/schools/{school.pk}/")
    assert int(page.locator("#count-major").inner_text()) >= 1
    shot(page, f"risks-ledger-{tag}")

    # Identify and grade a point (LEC: 3 × 6 × 15 = 270, high).
    name = f"E2E 锅炉房 {tag}"
    page.click("#new-point")
    page.fill("#id_name", name)
    page.select_option("#id_category", "utilities")
    page.fill("#id_building", "后勤楼")
    page.fill("#id_room", "锅炉房")
    page.fill("#id_hazard_factors", "压力容器超压")
    page.fill("#id_emergency_measures", "停炉泄压，疏散人员")
    page.fill("#id_responsible_post", "锅炉工")
    page.select_option("#id_method", "LEC")
    assert page.locator("#id_likelihood").is_hidden()
    page.select_option("#id_l", "3")
    page.select_option("#id_e", "6")
    page.select_option("#id_c", "15")
    page.click("#save-point")
    page.wait_for_load_state("networkidle")
    assert page.locator("#point-level").get_attribute("data-level") == "high"
    assert "270" in page.locator("#point-score").inner_text()

    # Grade again by the risk matrix: 4 × 5 = 20, major; a control plan comes before confirming.
    page.click("#grade-link")
    page.select_option("#id_method", "LS")
    assert page.locator("#id_l").is_hidden()
    page.select_option("#id_likelihood", "4")
    page.select_option("#id_severity", "5")
    page.click("#save-grade")
    page.wait_for_load_state("networkidle")
    assert page.locator("#point-level").get_attribute("data-level") == "major"
    assert page.locator("#grading-history li").count() == 2
    page.click("#action-confirm")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-danger").count() == 1  # no control plan yet
    page.click("#plan-link")
    page.fill("#id_measures", "安装安全阀和压力报警，持证上岗")
    page.select_option("#id_responsible_person", label="李明华")
    page.fill("#id_review_date", "2099-06-30")
    page.click("#save-plan")
    page.wait_for_load_state("networkidle")
    page.click("#action-confirm")
    page.wait_for_load_state("networkidle")
    point = RiskPoint.objects.get(name=name)
    assert point.status == Status.CONFIRMED and point.level == "major"
    shot(page, f"risks-point-{tag}")

    # Print the post's notice card.
    href = page.locator("#card-link").get_attribute("href")
    resp = page.request.get(f"{base}{href}&size=A5")
    assert resp.status == 200 and resp.body().startswith(b"%PDF")

    page.goto(f"{base}/risks/schools/{school.pk}/cards/view/?post=锅炉工")
    assert name in page.locator("#notice-card").inner_text()
    shot(page, f"risks-card-{tag}")
    page.goto(f"{base}/risks/schools/{school.pk}/map/")
    page.wait_for_load_state("networkidle")
    assert page.locator("g.map-area[data-level=major]").count() >= 1
    shot(page, f"risks-map-{tag}")
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_county_sees_schools_by_worst_risk(browser, live_demo, shot, demo_risks, size):
    base = live_demo.url
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = context.new_page()
    _login(page, base, "demo_county")
    page.goto(f"{base}/risks/")
    page.wait_for_load_state("networkidle")
    first = page.locator("#schools-table tbody tr").first
    assert "实验小学" in first.inner_text()
    assert page.locator("#points-table tbody tr").count() >= 10
    shot(page, f"risks-county-{size}-zh")
    context.close()
    # The sibling county: not found.
    other = browser.new_context(viewport=SIZES[size]).new_page()
    _login(other, base, "demo_county2")
    county = Unit.objects.get(code="demo-c1-k1")
    assert other.goto(f"{base}/risks/units/{county.pk}/").status == 404
    other.context.close()


def test_safety_staff_draws_an_area(browser, live_demo, shot, demo_risks):
    base = live_demo.url
    school = demo_risks
    page = browser.new_context(viewport=SIZES["desktop"], locale="zh-CN").new_page()
    _login(page, base, "demo_safety")
    page.goto(f"{base}/risks/schools/{school.pk}/map/edit/")
    page.wait_for_load_state("networkidle")
    page.fill("#area-name", "新建区域")
    page.click("#new-area")
    box = page.locator("#editor-svg").bounding_box()
    for fx, fy in ((0.02, 0.02), (0.06, 0.02), (0.06, 0.06)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.click("#finish-area")
    page.click("#save-map")
    page.wait_for_selector("#save-status.text-success")
    from safecampus.risks.models import PlanArea

    assert PlanArea.objects.filter(unit=school, name="新建区域").exists()
    shot(page, "risks-map-editor-desktop-zh")
    page.context.close()
