"""Training samples of demo-c1-k1 for the tenancy walk: a county campaign with a course, a lesson,
a quiz and a pupil's attempt (made on first use, through the services)."""

from __future__ import annotations

import datetime as dt

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster.models import Student
from safecampus.training import content, quizzes
from safecampus.training.models import Campaign, Course, Lesson, LessonKind, Quiz
from safecampus.training.progress_models import QuizAttempt

TITLE = "东港区2026年安全专题"


def k1_campaign() -> Campaign:
    existing = Campaign.objects.filter(title=TITLE).first()
    if existing:
        return existing
    op = User.objects.get(username="demo_operator")
    county = Unit.objects.get(code="demo-c1-k1")
    campaign = content.create_campaign(
        county,
        actor=op,
        title=TITLE,
        school_year=2026,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 7, 1),
    )
    content.change_campaign_status(campaign, "publish", actor=op)
    course = content.create_course(
        campaign, county, actor=op, title="东港区防溺水课", audiences=["student", "staff", "parent"]
    )
    content.create_lesson(course, actor=op, kind=LessonKind.ARTICLE, title="东港区防溺水须知",
                          body_html="<p>东港区：不私自下水。</p>", duration_s=60)  # fmt: skip
    for i in range(3):
        content.add_question(course, actor=op, kind="true_false", text=f"东港区题{i}", choices=[], answer=[0])
    content.save_quiz(course, actor=op, question_count=3)
    content.change_course_status(course, "publish", actor=op)
    pupil = Student.objects.filter(unit__code="demo-c1-k1-s1", user__isnull=False).first()
    if pupil is not None:
        quizzes.start_attempt(pupil.user, course.quiz.pk)
    return campaign


def campaign_id() -> int:
    return k1_campaign().pk


def course_id() -> int:
    return Course.objects.get(campaign=k1_campaign()).pk


def lesson_id() -> int:
    return Lesson.objects.filter(course__campaign=k1_campaign()).first().pk


def quiz_id() -> int:
    return Quiz.objects.get(course__campaign=k1_campaign()).pk


def attempt_id() -> int:
    k1_campaign()
    attempt = QuizAttempt.objects.filter(quiz__course__campaign__title=TITLE).first()
    assert attempt is not None, "the k1 roster sample should have a pupil with an account"
    return attempt.pk
