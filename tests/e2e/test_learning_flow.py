"""A pupil learns on a 375 px phone: the home lists the course, the article page's player beats while
the page is visible (time advanced by the test's clock), beats made offline wait in the browser's
queue and are sent once when it comes back online, the quiz shows no answers until it is
submitted, and the completed course gives a certificate."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.training import content
from safecampus.training.models import Audience
from safecampus.training.progress_models import CourseProgress, Heartbeat, LessonProgress

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}
PASSWORD = "Learn@2026x"


@pytest.fixture
def pupil(live_demo, operator):
    """A pupil of 三年级 at demo-c1-k1-s1 with a password of the test's."""
    from tests.roster.schoolyear_setup import import_rows

    user = import_rows(Unit.objects.get(code="demo-c1-k1-s1"), operator, "三年级", 1)[0].user
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    return user


@pytest.fixture
def short_course(live_demo, operator):
    campaign = content.create_campaign(
        Unit.objects.get(code="demo"), actor=operator, title="2026年安全教育专题", school_year=2026,
        starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 7, 15),
    )  # fmt: skip
    content.save_theme(campaign, actor=operator, key="drowning", name="防溺水", name_en="Drowning prevention")
    content.change_campaign_status(campaign, "publish", actor=operator)
    course = content.create_course(
        campaign, campaign.unit, actor=operator, title="暑期防溺水安全课", title_en="Summer water safety",
        audiences=[Audience.STUDENT], grade_min=1, grade_max=6, theme="drowning",
    )  # fmt: skip
    content.create_lesson(course, actor=operator, kind="article", title="读一读：防溺水“六不”", duration_s=60,
                          body_html="<h2>防溺水“六不”</h2><p>不私自下水游泳。</p>")  # fmt: skip
    for i in range(10):
        content.add_question(
            course, actor=operator, kind="single", text=f"第{i + 1}题：同伴落水时应该？",
            choices=["呼救并报告成人", "下水拉人"], answer=[0], explanation="借助工具，呼救。",
        )  # fmt: skip
    content.save_quiz(course, actor=operator, question_count=10)
    content.change_course_status(course, "publish", actor=operator)
    return course


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _queue(page, user_id: int) -> list:
    return json.loads(page.evaluate(f"localStorage.getItem('safecampus.training.beats.{user_id}')") or "[]")


def test_pupil_learns_an_article_offline_and_online_passes_the_quiz_and_gets_a_certificate(
    browser, live_demo, shot, pupil, short_course, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    lesson = short_course.lessons.get()
    base = live_demo.url
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    # The page's clock runs five minutes behind the server's, so advancing it never makes a beat
    # from the future.
    page.clock.install(time=timezone.now() - dt.timedelta(minutes=5))
    _login(page, base, pupil.username)

    page.goto(f"{base}/training/")
    assert page.locator(f"#course-{short_course.pk}").is_visible()
    shot(page, "learn-home-375")

    page.goto(f"{base}/training/lessons/{lesson.pk}/")
    page.wait_for_load_state("networkidle")
    for _ in range(2):  # 30 s of reading, online
        page.clock.run_for(15_000)
        page.wait_for_timeout(400)
    row = LessonProgress.objects.get(learner=pupil, lesson=lesson)
    assert row.credited_s == pytest.approx(30, abs=1) and row.completed_at is None
    assert page.text_content("#credited-text") == "0:30"

    context.set_offline(True)  # the phone loses its signal: the beats wait in the queue
    for _ in range(2):
        page.clock.run_for(15_000)
        page.wait_for_timeout(200)
    waiting = _queue(page, pupil.pk)
    assert len(waiting) == 2 and page.is_visible("#queue-message")
    shot(page, "learn-article-offline-375")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        f"!(JSON.parse(localStorage.getItem('safecampus.training.beats.{pupil.pk}') || '[]').length)"
    )
    ids = [b["id"] for b in waiting]
    assert Heartbeat.objects.filter(learner=pupil, client_id__in=ids, status="accepted").count() == 2
    page.wait_for_selector("#completed-message:not(.d-none)")
    row.refresh_from_db()
    assert row.credited_s == pytest.approx(60, abs=1) and row.completed_at is not None
    shot(page, "learn-article-done-375")

    page.goto(f"{base}/training/quizzes/{short_course.quiz.pk}/")
    page.click("#quiz-start")
    page.wait_for_load_state("networkidle")
    assert "借助工具" not in page.content()  # no explanation (nor answer) before submission
    shot(page, "learn-quiz-375")
    for fieldset in page.query_selector_all("fieldset.quiz-question"):
        fieldset.query_selector("input").check()
    page.click("#quiz-submit")
    page.wait_for_load_state("networkidle")
    assert page.text_content("#quiz-score .score-ring").strip() == "100"
    assert "借助工具" in page.content()
    shot(page, "learn-quiz-result-375")
    assert CourseProgress.objects.get(learner=pupil, course=short_course).completed_at is not None

    page.goto(f"{base}/training/certificates/")
    page.click(f"#course-certificates form:has(input[value='{short_course.pk}']) button")
    page.wait_for_load_state("networkidle")
    link = page.locator("#course-certificates a[href$='.pdf']")
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    shot(page, "learn-certificates-375")
    context.close()
