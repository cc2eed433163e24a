"""Training objects of demo-c1-k1-s1 for the tenancy walk: a school's own published course with a
lesson and a quiz, a pupil's quiz attempt and certificate. Made with the ORM on first use (no audit
events, as the walk counts them) and found again afterwards."""

from __future__ import annotations

import datetime as dt

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster.models import Student
from safecampus.training.class_models import Certificate, CertificateKind
from safecampus.training.models import Audience, Campaign, ContentStatus, Course, Lesson, Question, Quiz
from safecampus.training.progress_models import QuizAttempt

K1_S1 = "demo-c1-k1-s1"
TITLE = "本校安全课程（巡检样本）"


def _school() -> Unit:
    return Unit.objects.get(code=K1_S1)


def k1_course() -> Course:
    school = _school()
    course = Course.objects.filter(unit=school, title=TITLE).first()
    if course is not None:
        return course
    start, end = dt.date(2026, 9, 1), dt.date(2027, 7, 15)
    campaign = Campaign(
        title="本校专题",
        school_year=2026,
        starts_on=start,
        ends_on=end,
        pass_mark=80,
        status=ContentStatus.PUBLISHED,
    )
    campaign.set_unit(school)
    campaign.save()
    course = Course(
        campaign=campaign, title=TITLE, audiences=[Audience.STUDENT], status=ContentStatus.PUBLISHED
    )
    course.set_unit(school)
    course.save()
    lesson = Lesson(course=course, title="本校课时", kind="article", duration_s=60, body_html="<p>本校</p>")
    lesson.set_unit(school)
    lesson.save()
    Quiz.objects.create(course=course, question_count=1)
    Question.objects.create(course=course, kind="true_false", text="本校题", choices=["对", "错"], answer=[0])
    return course


def _k1_pupil() -> User:
    student = Student.objects.filter(unit__code=K1_S1, user__isnull=False).order_by("pk").first()
    assert student is not None, "the roster sample has pupils with accounts"
    return student.user


def k1_lesson_id() -> int:
    return k1_course().lessons.order_by("pk").first().pk


def k1_quiz_id() -> int:
    return k1_course().quiz.pk


def k1_attempt_id() -> int:
    quiz = k1_course().quiz
    attempt = QuizAttempt.objects.filter(quiz=quiz).first()
    if attempt is None:
        attempt = QuizAttempt(quiz=quiz, learner=_k1_pupil(), question_ids=[quiz.course.questions.first().pk])
        attempt.set_unit(_school())
        attempt.save()
    return attempt.pk


def k1_certificate_id() -> int:
    course = k1_course()
    cert = Certificate.objects.filter(course=course).first()
    if cert is None:
        cert = Certificate(learner=_k1_pupil(), kind=CertificateKind.COURSE, course=course, year=2026,
                           number="SC-2026-900001", hours=0.02)  # fmt: skip
        cert.set_unit(_school())
        cert.save()
    return cert.pk
