"""Applying credited seconds to a learner's lesson, course and day rows; completion.

Used by heartbeats, classroom sessions and quiz results, always under the learner's clock lock
(`LearnerClock` row), so the in-memory rows of one call are the truth until `flush()`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from safecampus.core.policy import policy_for
from safecampus.training_stats.nodes import node_of, to_ms
from safecampus.training_stats.record import Recorder

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
        self._loaded: dict[int, tuple] = {}  # course id → (completed_at, passed_at) as loaded
        self.engaged: dict[int, dt.date] = {}  # course id → earliest day credited in this batch
        self.stats = Recorder(learner)

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
            self._loaded[course.pk] = (row.completed_at, row.passed_at)
            self.courses[course.pk] = row
        return row

    def use_policy(self, unit_id: int, policy: Any) -> None:
        """The policy at a lesson's unit, when the caller has read it already."""
        self._ratio.setdefault(unit_id, float(policy.training["completion_ratio"]))

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
            day = local_day(at)
            self.days[(row.lesson_id, day)] += change
            course = self.course_row(row.lesson.course, row.audience)
            if change > 0:
                self.engaged[course.course_id] = min(day, self.engaged.get(course.course_id, day))
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
        self._flush_days()
        self._flush_stats()
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
                    "first_day",
                ]
            )
        self.days.clear()
        self.dirty.clear()
        self.engaged.clear()

    def _flush_days(self) -> None:
        """Day facts, and the learning time they add to the statistics (whole milliseconds,
        counted at the node the fact belongs to)."""
        for (lesson_id, day), change in self.days.items():
            row = self.lessons[lesson_id]
            fact = LearningDay.objects.filter(learner=self.user, lesson_id=lesson_id, day=day).first()
            if fact is None:
                node = node_of(self.learner, row.audience)
                fact = LearningDay(
                    learner=self.user,
                    lesson_id=lesson_id,
                    course_id=row.course_id,
                    audience=row.audience,
                    day=day,
                    unit_id=node.unit_id,
                    unit_path=node.unit_path,
                    grade_id=node.grade_id,
                    class_id=node.class_id,
                )
            before = fact.credited_s
            fact.credited_s = before + change
            fact.save()
            self.stats.learning(
                _fact_node(fact),
                row.lesson.course,
                fact.audience,
                day,
                to_ms(fact.credited_s) - to_ms(before),
            )

    def _flush_stats(self) -> None:
        """First engagement, completion and pass of each course, for the statistics."""
        for course in self.courses.values():
            was_completed, was_passed = self._loaded.get(course.course_id, (None, None))
            passed = course.passed_at if was_passed is None and course.passed_at else None
            days = [d for d in [self.engaged.get(course.course_id), passed and local_day(passed)] if d]
            if days and (course.first_day is None or min(days) < course.first_day):
                course.first_day = min(days)
                self.stats.engaged(course.course, course.audience, course.first_day)
            completed = course.completed_at if was_completed is None and course.completed_at else None
            if completed or passed:
                self.stats.finished(
                    course.course,
                    completed=completed and local_day(completed),
                    passed=passed and local_day(passed),
                )
            self._loaded[course.course_id] = (course.completed_at, course.passed_at)
        self.stats.flush()


def _fact_node(fact: LearningDay):
    from safecampus.training_stats.nodes import Node

    return Node(fact.unit_id, fact.unit_path, fact.grade_id, fact.class_id)
