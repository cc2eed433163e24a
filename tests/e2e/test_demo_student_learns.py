"""The issue's flow with the demo data: demo_student, on a 375 px phone, watches the video of the
primary drowning course (the test advances the page's clock), passes its quiz, and demo_teacher,
the head teacher of 三年级1班, sees the class progress change."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.roster.models import Student
from safecampus.training.class_services import assign_lessons
from safecampus.training.models import Course, Question
from safecampus.training.progress_models import CourseProgress, LessonProgress

from .test_foundation_flow import SIZES, _login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_learning(live_demo, settings, tmp_path, monkeypatch):
    """The demo roster (small classes) and the demo training content with its learners' progress."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(os.environ, "SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.roster.demo import load_roster
    from safecampus.training.demo import load_training_demo

    load_roster()
    load_training_demo()
    return Course.objects.get(key="drowning-primary", campaign__unit__code="demo")


def _board_row(page, name: str):
    return page.locator("#board tbody tr", has=page.locator("th", has_text=name))


def test_demo_student_watches_passes_and_the_head_teacher_sees_it(browser, live_demo, shot, demo_learning):
    base = live_demo.url
    course = demo_learning
    video = course.lessons.get(kind="video")
    student = Student.objects.select_related("school_class", "user").get(user__username="demo_student")
    teacher = User.objects.get(username="demo_teacher")
    assign_lessons(student.school_class, list(course.lessons.order_by("order", "id")), actor=teacher,
                   start_on=timezone.localdate())  # fmt: skip

    # The head teacher's board before: nothing of this course for demo_student.
    desk = browser.new_context(viewport=SIZES["desktop"], locale="zh-CN").new_page()
    _login(desk, base, "demo_teacher")
    desk.goto(f"{base}/training/classes/{student.school_class_id}/")
    row = _board_row(desk, student.name)
    assert row.locator("td.cell").first.locator(".bi-circle").count() == 1  # not started
    shot(desk, "training-class-before-desktop-zh")

    # demo_student on a phone; the page clock runs behind the server's so beats are never "future".
    phone_ctx = browser.new_context(viewport=SIZES["phone"], locale="zh-CN")
    phone = phone_ctx.new_page()
    phone.clock.install(time=timezone.now() - dt.timedelta(minutes=10))
    _login(phone, base, "demo_student")
    phone.goto(f"{base}/training/")
    assert phone.locator(f"#course-{course.pk}").is_visible()
    shot(phone, "training-home-demo-student-375-zh")
    phone.goto(f"{base}/training/lessons/{video.pk}/")
    phone.wait_for_load_state("networkidle")
    phone.evaluate(
        "(() => { const v = document.getElementById('lesson-video'); v.muted = true; return v.play(); })()"
    )
    phone.wait_for_function("!document.getElementById('lesson-video').paused")
    for _ in range(4):  # four beats 15 s apart: 45 s of the 48 s video, above the 90 % needed
        phone.clock.run_for(15_000)
        phone.wait_for_timeout(300)
    phone.wait_for_selector("#completed-message:not(.d-none)", timeout=15_000)
    progress = LessonProgress.objects.get(learner=student.user, lesson=video)
    assert progress.completed_at is not None and progress.credited_s >= 0.9 * video.duration_s
    shot(phone, "training-video-done-375-zh")

    phone.goto(f"{base}/training/quizzes/{course.quiz.pk}/")
    phone.click("#quiz-start")
    phone.wait_for_load_state("networkidle")
    fieldsets = phone.query_selector_all("fieldset.quiz-question")
    assert len(fieldsets) == course.quiz.question_count
    for fieldset in fieldsets:
        name = fieldset.query_selector("input").get_attribute("name")
        question = Question.objects.get(pk=int(name[1:]))
        assert question.explanation not in phone.content()  # nothing given away before submitting
        for index in question.answer:
            fieldset.query_selector(f"input[value='{index}']").check()
    shot(phone, "training-quiz-375-zh")
    phone.click("#quiz-submit")
    phone.wait_for_load_state("networkidle")
    assert phone.text_content("#quiz-score .score-ring").strip() == "100"
    shot(phone, "training-quiz-passed-375-zh")
    assert CourseProgress.objects.get(learner=student.user, course=course).passed_at is not None
    phone_ctx.close()

    # The head teacher reloads the board: the video is done for demo_student.
    desk.reload()
    row = _board_row(desk, student.name)
    assert row.locator("td.cell").first.locator(".bi-check-circle-fill").count() == 1
    shot(desk, "training-class-after-desktop-zh")
