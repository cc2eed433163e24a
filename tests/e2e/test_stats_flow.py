"""A county officer opens the training statistics, drills down county → school → grade → class,
and exports the class's people to Excel — on a phone and a desktop, in Chinese and English, with
screenshots of the dashboard and the class view."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from safecampus.core.models import Unit
from safecampus.training import content
from safecampus.training.models import Audience
from tests.roster.schoolyear_setup import import_rows
from tests.stats.test_rollup import watch

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def learning(live_demo, operator):
    """A province campaign with a primary course; three pupils of 三年级 at demo-c1-k1-s1, one of
    whom watched 45 s; and one pupil at demo-c1-k1-s2's neighbour school who read nothing."""
    province = Unit.objects.get(code="demo")
    campaign = content.create_campaign(
        province, actor=operator, title="2026年安全教育专题", title_en="Safety education 2026",
        school_year=2026, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 7, 15),
    )  # fmt: skip
    content.change_campaign_status(campaign, "publish", actor=operator)
    course = content.create_course(
        campaign, province, actor=operator, title="珍爱生命 预防溺水", title_en="Cherish life",
        audiences=[Audience.STUDENT, Audience.STAFF], grade_min=1, grade_max=6,
    )  # fmt: skip
    lesson = content.create_lesson(
        course, actor=operator, kind="article", title="读一读", body_html="<p>不下水。</p>", duration_s=120
    )
    content.change_course_status(course, "publish", actor=operator)
    pupils = import_rows(Unit.objects.get(code="demo-c1-k1-s1"), operator, "三年级", 3)
    watch(pupils[0].user, lesson, 45)
    return pupils


@pytest.mark.parametrize(
    ("size", "lang"), [("phone", "zh-hans"), ("phone", "en"), ("desktop", "zh-hans"), ("desktop", "en")]
)
def test_county_drills_down_to_a_class_and_exports(browser, live_demo, shot, learning, tmp_path, size, lang):
    base = live_demo.url
    tag = f"{size}-{'zh' if lang == 'zh-hans' else 'en'}"
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN", accept_downloads=True)
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "demo_county")

    page.goto(f"{base}/training/stats/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#place-name").inner_text().startswith("东港区")
    assert page.locator("#chart-children svg").count() == 1  # ECharts drew the rates by unit
    assert page.locator("#fig-participants").inner_text() == "1"
    shot(page, f"stats-county-{tag}")

    page.locator("#children-table a.child-link", has_text="实验小学").click()  # county → school
    page.wait_for_load_state("networkidle")
    assert page.locator("#place-name").inner_text() == "东港区实验小学"
    page.locator("#children-table a.child-link").first.click()  # school → grade
    page.wait_for_load_state("networkidle")
    page.locator("#children-table a.child-link").first.click()  # grade → class
    page.wait_for_load_state("networkidle")
    assert page.locator("#people-table tbody tr").count() == 3
    assert page.locator("#people-table tbody tr.table-warning").count() == 2  # not started
    shot(page, f"stats-class-{tag}")

    page.click("#export-menu")
    with page.expect_download() as info:
        page.click("#export-people")
    path = tmp_path / "people.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    names = {r[0] for r in rows}
    assert {p.name for p in learning} <= names

    page.click(f"#people-table a[href*='/person/{learning[0].user_id}/']")  # class → person
    page.wait_for_load_state("networkidle")
    assert page.locator("#person-name").inner_text() == learning[0].name
    if size == "phone":
        shot(page, f"stats-person-{tag}")
    assert not errors, errors
    context.close()
