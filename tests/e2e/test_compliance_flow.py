"""Compliance in the browser: demo_county opens the county's compliance page, drills down to the
school, sends this week's reminders, opens the principal's annual record and downloads it as
Excel; the principal finds the reminders in the inbox (badge in the top bar). Screenshots in
zh-hans and en at 375 px and 1280 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.demo.region import DEMO_PASSWORD
from safecampus.training import content
from safecampus.training.class_services import assign_lessons
from safecampus.training.models import Audience, LessonKind
from safecampus.training.progress_models import LearningDay

pytestmark = pytest.mark.e2e
SIZES = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.fixture
def world(live_demo, operator):
    from tests.roster.schoolyear_setup import import_rows

    school = Unit.objects.get(code="demo-c1-k1-s1")
    teacher = User.objects.get(username="demo_teacher")
    students = import_rows(school, operator, "三年级", 5)
    klass = students[0].school_class
    klass.head_teacher = teacher
    klass.save(update_fields=["head_teacher"])
    campaign = content.create_campaign(
        Unit.objects.get(code="demo"), actor=operator, title="2026年安全教育专题", school_year=2026,
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 7, 15),
    )  # fmt: skip
    content.change_campaign_status(campaign, "publish", actor=operator)
    course = content.create_course(
        campaign, campaign.unit, actor=operator, title="校园安全年度培训", title_en="Annual safety training",
        audiences=[Audience.STUDENT, Audience.STAFF, Audience.LEADER], grade_min=1, grade_max=6,
    )  # fmt: skip
    lessons = [
        content.create_lesson(
            course,
            actor=operator,
            kind=LessonKind.ARTICLE,
            title=f"第{i + 1}课",
            body_html="<p>安全第一。</p>",
            duration_s=600,
            order=i,
        )
        for i in range(2)
    ]
    content.change_course_status(course, "publish", actor=operator)
    assign_lessons(klass, lessons, actor=teacher, start_on=timezone.localdate() - dt.timedelta(days=30))
    principal = User.objects.get(username="demo_principal")
    for month, hours in ((2, 3.0), (3, 2.5), (5, 4.0), (9, 1.5), (10, 2.0)):
        LearningDay.objects.create(
            learner=principal, lesson=lessons[month % 2], course=course, audience="leader",
            day=dt.date(2026, month, 10), credited_s=hours * 3600, unit=school, unit_path=school.path,
        )  # fmt: skip
    return {"school": school, "principal": principal, "class": klass}


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_county_reads_compliance_reminds_and_exports(browser, live_demo, shot, world):
    base = live_demo.url
    principal = world["principal"]
    for lang, locale in LOCALES.items():
        for size, viewport in SIZES.items():
            county = browser.new_context(viewport=viewport, locale=locale).new_page()
            _login(county, base, "demo_county")
            county.goto(f"{base}/training/compliance/?unit=demo-c1-k1")
            assert county.locator("#staff").get_by_text("王建国").count() >= 1
            shot(county, f"compliance-county-{lang}-{size}")
            county.locator("#children a", has_text="实验小学").first.click()
            county.wait_for_load_state("networkidle")
            assert "unit=demo-c1-k1-s1" in county.url
            county.click("#send-reminders")  # the first time sends; later ones find nothing new
            county.wait_for_load_state("networkidle")
            assert county.locator(".alert-success, .alert-info").count() == 1
            shot(county, f"compliance-school-{lang}-{size}")
            county.goto(f"{base}/training/compliance/person/{principal.pk}/?year=2026")
            assert county.locator("#year-hours").inner_text() == "13.0"
            shot(county, f"compliance-person-{lang}-{size}")
            with county.expect_download() as download:
                county.click("#export-link")
            assert download.value.suggested_filename == "training-record-demo_principal-2026.xlsx"
            county.context.close()

            page = browser.new_context(viewport=viewport, locale=locale).new_page()
            _login(page, base, "demo_principal")
            page.goto(f"{base}/inbox/")
            assert page.locator(".inbox-badge").first.inner_text().startswith("2")
            shot(page, f"inbox-{lang}-{size}")
            page.context.close()
