"""Applying credited seconds to a learner's lesson, course and day rows; completion.

Used by heartbeats, classroom sessions and quiz results, always under the learner's clock lock
(`LearnerClock` row), so the in-memory rows of one call are the truth until `flush()`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F
from django.utils import timezone

from safecampus.core.policy import policy_for

from .learner import Learner
from .models import Course, CourseProgress, LearningDay, Lesson, LessonProgress


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


class ProgressBook:
    """The learner's progress rows touched by one batch, written back by `flush()`."""

    def __init__(self, learner: Learner) -> None:
        self.learner = learner
        self.user = learner.user
        self.lessons: dict[int, LessonProgress] = {}
        self.courses: dict[int, CourseProgress] = {}
        self.days: dict[tuple[int, dt.date], float] = defaultdict(float)
        self.dirty: set[int] = set()
        self._ratio: dict[int, float] = {}

    # -- rows -------------------------------------------------------------------------------
    def lesson_row(self, lesson: Lesson, audience: str) -> LessonProgress:
        row = self.lessons.get(lesson.pk)
        if row is None:
            row = LessonProgress.objects.filter(learner=self.user, lesson=lesson).first()
            if row is None:
                row = LessonProgress(
                    learner=self.user, lesson=lesson, course_id=lesson.course_id, audience=audience
                )
                row.set_unit(self.learner.units[audience])
                row.save()
            row.lesson = lesson
            self.lessons[lesson.pk] = row
        return row

    def course_row(self, course: Course, audience: str) -> CourseProgress:
        row = self.courses.get(course.pk)
        if row is None:
            row = CourseProgress.objects.filter(learner=self.user, course=course).first()
            if row is None:
                row = CourseProgress(
                    learner=self.user,
                    course=course,
                    campaign_id=course.campaign_id,
                    stage_id=course.stage_id,
                    audience=audience,
                )
                row.set_unit(self.learner.units[audience])
                row.save()
            row.course = course
            self.courses[course.pk] = row
        return row

    def completion_ratio(self, lesson: Lesson) -> float:
        unit_id = lesson.unit_id
        if unit_id not in self._ratio:
            self._ratio[unit_id] = float(policy_for(lesson.unit).training["completion_ratio"])
        return self._ratio[unit_id]

    # -- changes ----------------------------------------------------------------------------
    def add_raw(
        self, row: LessonProgress, seconds: float, at: dt.datetime, *, classroom: bool = False
    ) -> float:
        """Add `seconds` of beat (or classroom) credit; returns the change of credited time."""
        if not seconds:
            return 0.0
        if classroom:
            row.classroom_s += seconds
        else:
            row.raw_s += seconds
        before = row.credited_s
        row.credited_s = min(row.raw_s + row.classroom_s, float(row.lesson.duration_s))
        change = row.credited_s - before
        if change:
            self.days[(row.lesson_id, local_day(at))] += change
            course = self.course_row(row.lesson.course, row.audience)
            course.credited_s += change
            course.last_at = max(filter(None, [course.last_at, at]))
        row.last_at = max(filter(None, [row.last_at, at]))
        self.dirty.add(row.lesson_id)
        self._complete_lesson(row, at)
        return change

    def _complete_lesson(self, row: LessonProgress, at: dt.datetime) -> None:
        if row.completed_at is not None:
            return
        if row.credited_s + 1e-6 >= self.completion_ratio(row.lesson) * row.lesson.duration_s:
            row.completed_at = timezone.now()
            course = self.course_row(row.lesson.course, row.audience)
            course.lessons_completed = (
                LessonProgress.objects.filter(
                    learner=self.user, course=course.course, completed_at__isnull=False
                )
                .exclude(pk=row.pk)
                .count()
                + 1
            )
            self.complete_course_if_done(course)

    def complete_course_if_done(self, course: CourseProgress) -> None:
        if course.completed_at is not None:
            return
        lesson_count = course.course.lessons.count()
        if course.lessons_completed < lesson_count or lesson_count == 0:
            return
        if hasattr(course.course, "quiz") and course.passed_at is None:
            return
        course.completed_at = timezone.now()

    # -- write back -------------------------------------------------------------------------
    def flush(self) -> None:
        for row in self.lessons.values():
            if row.lesson_id in self.dirty:
                row.save(
                    update_fields=[
                        "raw_s",
                        "classroom_s",
                        "credited_s",
                        "furthest_s",
                        "position_s",
                        "position_at",
                        "last_at",
                        "completed_at",
                    ]
                )
        for course in self.courses.values():
            course.save(
                update_fields=[
                    "credited_s",
                    "lessons_completed",
                    "best_score",
                    "passed_at",
                    "completed_at",
                    "last_at",
                ]
            )
        for (lesson_id, day), change in self.days.items():
            row = self.lessons[lesson_id]
            updated = LearningDay.objects.filter(learner=self.user, lesson_id=lesson_id, day=day).update(
                credited_s=F("credited_s") + change
            )
            if not updated:
                fact = LearningDay(
                    learner=self.user,
                    lesson_id=lesson_id,
                    course_id=row.course_id,
                    audience=row.audience,
                    day=day,
                    credited_s=change,
                )
                fact.unit_id, fact.unit_path = row.unit_id, row.unit_path
                fact.save()
        self.days.clear()
        self.dirty.clear()
