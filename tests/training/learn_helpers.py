"""Helpers of the learner-page tests: more courses for other audiences, honest learning, a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safecampus.training import content, quizzes
from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training.models import Audience, Campaign, Course, Lesson, LessonKind

from .samples import tiny_pdf

TODAY = dt.date(2026, 11, 24)  # inside the fixture campaign's first stage (2026-09-01 … 2026-12-31)


def ready(user: Any) -> Any:
    """A user past the forced change of the initial password (imported pupils and parents)."""
    type(user).objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    return user


def other_course(campaign: Campaign, operator: Any, title: str, **fields: Any) -> Course:
    """A published course of the campaign with one article lesson."""
    fields.setdefault("audiences", [Audience.STUDENT])
    course = content.create_course(campaign, campaign.unit, actor=operator, title=title, **fields)
    content.create_lesson(
        course,
        actor=operator,
        kind=LessonKind.ARTICLE,
        title=f"{title}·课",
        body_html="<p>正文</p>",
        duration_s=60,
    )
    content.change_course_status(course, "publish", actor=operator)
    return course


def document_lesson(course: Course, operator: Any) -> Lesson:
    return content.create_lesson(
        course,
        actor=operator,
        kind=LessonKind.DOCUMENT,
        title="安全手册",
        media=tiny_pdf(2),
        duration_s=60,
        order=2,
    )


def learn(
    user: Any, lesson: Lesson, seconds: int, *, start: dt.datetime | None = None, prefix: str = "h"
) -> list:
    """Beats of someone honestly learning `lesson` for `seconds`, ending a minute ago."""
    start = start or timezone.now() - dt.timedelta(seconds=seconds + 60)
    beats = [
        BeatIn(
            f"{prefix}{lesson.pk}-{i}", lesson.pk, min(i * 15, seconds), start + dt.timedelta(seconds=i * 15)
        )
        for i in range(seconds // 15 + 1)
    ]
    return record_heartbeats(user, beats)


def pass_quiz(user: Any, course: Course) -> Any:
    attempt = quizzes.start_attempt(user, course.quiz.pk)
    answers = {str(q.pk): list(q.answer) for q in quizzes.attempt_questions(attempt)}
    return quizzes.submit_attempt(user, attempt.pk, answers)


def complete(user: Any, course: Course, *, hours_ago: int = 3) -> None:
    """Learn every lesson of `course` in full, one after the other, and pass its quiz."""
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    for lesson in course.lessons.order_by("order", "pk"):
        learn(user, lesson, lesson.duration_s, start=start, prefix="c")
        start += dt.timedelta(seconds=lesson.duration_s + 120)
    pass_quiz(user, course)
