"""What a learner is offered: published courses of published campaigns offered to their units,
for one of their audiences (and, for students, their school type and grade), with their progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from .learner import Learner, learner_of
from .models import ContentStatus, Course, Lesson, Quiz
from .progress_models import AttemptStatus, CourseProgress, LessonProgress, QuizAttempt


@dataclass
class OfferedCourse:
    course: Course
    audience: str
    progress: CourseProgress | None
    lessons: list[tuple[Lesson, LessonProgress | None]] = field(default_factory=list)
    quiz: Quiz | None = None
    attempts_used: int = 0

    @property
    def attempts_left(self) -> int | None:
        if self.quiz is None or self.quiz.attempts_limit is None:
            return None
        return max(self.quiz.attempts_limit - self.attempts_used, 0)

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def offered_courses(user: Any, learner: Learner | None = None) -> list[OfferedCourse]:
    """Every course the user may learn now, in campaign/stage/order, with progress (4 queries)."""
    learner = learner or learner_of(user)
    courses = (
        Course.objects.offered_to(user)
        .filter(status=ContentStatus.PUBLISHED, campaign__status=ContentStatus.PUBLISHED)
        .select_related("campaign", "stage", "theme", "quiz")
        .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("order", "id")))
        .order_by("-campaign__school_year", "campaign_id", "stage__number", "order", "id")
    )
    offered = []
    for course in courses:
        audience = learner.audience_for(course)
        if audience is not None:
            offered.append(OfferedCourse(course, audience, None, quiz=getattr(course, "quiz", None)))
    ids = [o.course.pk for o in offered]
    progress = {p.course_id: p for p in CourseProgress.objects.filter(learner=user, course_id__in=ids)}
    lessons = {p.lesson_id: p for p in LessonProgress.objects.filter(learner=user, course_id__in=ids)}
    used: dict[int, int] = {}
    for quiz_id in QuizAttempt.objects.filter(
        learner=user, quiz__course_id__in=ids, status=AttemptStatus.SUBMITTED
    ).values_list("quiz_id", flat=True):
        used[quiz_id] = used.get(quiz_id, 0) + 1
    for item in offered:
        item.progress = progress.get(item.course.pk)
        item.lessons = [(lesson, lessons.get(lesson.pk)) for lesson in item.course.lessons.all()]
        item.attempts_used = used.get(item.quiz.pk, 0) if item.quiz else 0
    return offered
