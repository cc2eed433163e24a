"""The learner's side, read only: what is due, progress per course, where to resume, hours, children.

Content is read through `offered_to(learner)` and kept to the courses whose audience, school
type and grades fit the learner (`Learner.audience_for`); progress rows only through
`visible_to(viewer)`: a learner's own rows, or a parent's children's (never another family's).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from safecampus.core.policy import policy_for

from .learner import learner_of
from .models import ContentStatus, Course, Lesson, Quiz, Stage
from .progress_models import CourseProgress, LearningDay, LessonProgress


def local_today() -> dt.date:
    """Today in the site's time zone (one place, so tests can set the date)."""
    return timezone.localdate()


class State:
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    COMPLETED = "completed"


@dataclass
class CourseCard:
    """One course as the learner sees it on the home page."""

    course: Course
    audience: str
    state: str
    lessons: list[Lesson]
    lesson_rows: dict[int, LessonProgress]
    progress: CourseProgress | None
    quiz: Quiz | None
    starts_on: dt.date
    ends_on: dt.date

    @property
    def lessons_total(self) -> int:
        return len(self.lessons)

    @property
    def lessons_done(self) -> int:
        return sum(1 for row in self.lesson_rows.values() if row.completed_at is not None)

    @property
    def credited_s(self) -> float:
        return sum(row.credited_s for row in self.lesson_rows.values())

    @property
    def total_s(self) -> int:
        return sum(lesson.duration_s for lesson in self.lessons)

    @property
    def percent(self) -> int:
        if not self.total_s:
            return 0
        return min(100, math.floor(100 * self.credited_s / self.total_s))

    @property
    def best_score(self) -> int | None:
        return self.progress.best_score if self.progress else None

    @property
    def quiz_passed(self) -> bool:
        return bool(self.progress and self.progress.passed_at)

    @property
    def completed(self) -> bool:
        return self.state == State.COMPLETED

    @property
    def completed_at(self) -> dt.datetime | None:
        return self.progress.completed_at if self.progress else None

    @property
    def last_at(self) -> dt.datetime | None:
        times = [row.last_at for row in self.lesson_rows.values() if row.last_at]
        return max(times) if times else None

    @property
    def resume(self) -> tuple[Lesson | None, float]:
        """Where "Continue" goes: the lesson last learnt if it is not finished, else the first
        lesson not finished (else the first lesson), and the position to start at."""
        if not self.lessons:
            return None, 0.0
        by_id = {lesson.pk: lesson for lesson in self.lessons}
        open_rows = [
            row
            for row in self.lesson_rows.values()
            if row.completed_at is None and row.last_at and row.lesson_id in by_id
        ]
        if open_rows:
            row = max(open_rows, key=lambda r: r.last_at)
            return by_id[row.lesson_id], row.position_s
        for lesson in self.lessons:
            row = self.lesson_rows.get(lesson.pk)
            if row is None or row.completed_at is None:
                return lesson, row.position_s if row else 0.0
        return self.lessons[0], 0.0

    @property
    def resume_lesson(self) -> Lesson | None:
        return self.resume[0]


@dataclass
class Home:
    cards: list[CourseCard]
    today: dt.date
    year: int
    year_hours: float
    stages: list[Stage] = field(default_factory=list)

    def _with(self, *states: str) -> list[CourseCard]:
        return [c for c in self.cards if c.state in states]

    @property
    def due(self) -> list[CourseCard]:
        return self._with(State.OVERDUE, State.DUE)

    @property
    def upcoming(self) -> list[CourseCard]:
        return self._with(State.UPCOMING)

    @property
    def completed(self) -> list[CourseCard]:
        done = self._with(State.COMPLETED)
        return sorted(done, key=lambda c: c.completed_at or timezone.now(), reverse=True)

    @property
    def continue_card(self) -> CourseCard | None:
        """The course learnt most recently that is still due, else the first one due."""
        started = [c for c in self.due if c.last_at]
        if started:
            return max(started, key=lambda c: c.last_at)
        return self.due[0] if self.due else None


def published_courses(user: Any) -> QuerySet[Course]:
    lessons = Lesson.objects.order_by("order", "id").only(
        "pk", "course_id", "order", "title", "title_en", "kind", "duration_s", "unit_id"
    )
    return (
        Course.objects.offered_to(user)
        .filter(status=ContentStatus.PUBLISHED, campaign__status=ContentStatus.PUBLISHED)
        .select_related("campaign", "stage", "theme", "unit", "quiz")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )


def window(course: Course) -> tuple[dt.date, dt.date]:
    """The dates a course is due in: its stage's, else its campaign's."""
    if course.stage_id:
        return course.stage.starts_on, course.stage.ends_on
    return course.campaign.starts_on, course.campaign.ends_on


def quiz_of(course: Course) -> Quiz | None:
    try:
        return course.quiz
    except Quiz.DoesNotExist:
        return None


def state_of(course: Course, progress: CourseProgress | None, today: dt.date) -> str:
    if progress is not None and progress.completed_at is not None:
        return State.COMPLETED
    starts_on, ends_on = window(course)
    if starts_on > today:
        return State.UPCOMING
    if ends_on < today:
        return State.OVERDUE
    return State.DUE


def learner_cards(
    viewer: Any, learner_user: Any, today: dt.date | None = None, *, course_id: int | None = None
) -> list[CourseCard]:
    """The courses offered to `learner_user` that fit them, with the progress `viewer` may see."""
    today = today or local_today()
    learner = learner_of(learner_user)
    fitting: list[tuple[Course, str]] = []
    courses_qs = published_courses(learner_user)
    if course_id is not None:
        courses_qs = courses_qs.filter(pk=course_id)
    for course in courses_qs:
        audience = learner.audience_for(course)
        if audience is not None:
            fitting.append((course, audience))
    ids = [course.pk for course, _ in fitting]
    courses = {
        row.course_id: row
        for row in CourseProgress.objects.visible_to(viewer).filter(learner=learner_user, course__in=ids)
    }
    lessons: dict[int, dict[int, LessonProgress]] = {}
    for row in LessonProgress.objects.visible_to(viewer).filter(learner=learner_user, course__in=ids):
        lessons.setdefault(row.course_id, {})[row.lesson_id] = row
    cards = []
    for course, audience in fitting:
        progress = courses.get(course.pk)
        starts_on, ends_on = window(course)
        cards.append(
            CourseCard(
                course=course,
                audience=audience,
                state=state_of(course, progress, today),
                lessons=list(course.lessons.all()),
                lesson_rows=lessons.get(course.pk, {}),
                progress=progress,
                quiz=quiz_of(course),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    cards.sort(key=_card_order)
    return cards


DUE_STATES = (State.DUE, State.OVERDUE)


def due_count(user: Any, today: dt.date | None = None) -> int:
    """How many of the courses fitting `user` are due or overdue and not completed: the states of
    `learner_cards` without reading lessons, quizzes and lesson progress (the "today" count)."""
    today = today or local_today()
    learner = learner_of(user)
    courses = (
        Course.objects.offered_to(user)
        .filter(status=ContentStatus.PUBLISHED, campaign__status=ContentStatus.PUBLISHED)
        .select_related("campaign", "stage")
    )
    fitting = [c for c in courses if learner.audience_for(c) is not None]
    if not fitting:
        return 0
    completed = set(
        CourseProgress.objects.filter(
            learner=user, course__in=[c.pk for c in fitting], completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    states = (state_of(c, None, today) for c in fitting if c.pk not in completed)
    return sum(1 for state in states if state in DUE_STATES)


def _card_order(card: CourseCard) -> tuple:
    course = card.course
    stage = course.stage.number if course.stage_id else 0
    return (card.ends_on, course.campaign_id, stage, course.order, course.pk)


def year_hours(viewer: Any, learner_user: Any, year: int) -> float:
    """Credited hours of `learner_user` in the calendar year (Asia/Shanghai days)."""
    total = (
        LearningDay.objects.visible_to(viewer)
        .filter(learner=learner_user, day__year=year)
        .aggregate(s=Sum("credited_s"))["s"]
    )
    return (total or 0.0) / 3600


def current_stages(cards: list[CourseCard], today: dt.date) -> list[Stage]:
    campaigns = {c.course.campaign_id for c in cards}
    return list(
        Stage.objects.filter(campaign__in=campaigns, starts_on__lte=today, ends_on__gte=today)
        .select_related("campaign")
        .order_by("campaign_id", "number")
    )


def home_for(user: Any, today: dt.date | None = None) -> Home:
    today = today or local_today()
    cards = learner_cards(user, user, today)
    return Home(
        cards=cards,
        today=today,
        year=today.year,
        year_hours=year_hours(user, user, today.year),
        stages=current_stages(cards, today),
    )


# -- children ---------------------------------------------------------------------------------
@dataclass
class ChildProgress:
    student: Any
    cards: list[CourseCard]
    year_hours: float

    @property
    def due(self) -> list[CourseCard]:
        return [c for c in self.cards if c.state in (State.DUE, State.OVERDUE)]

    @property
    def completed(self) -> list[CourseCard]:
        return [c for c in self.cards if c.state == State.COMPLETED]


def children_progress(parent: Any, today: dt.date | None = None) -> list[ChildProgress]:
    """A parent's children (with accounts) and their learning, read as the parent may see it."""
    from safecampus.roster.queries import children_of

    today = today or local_today()
    result = []
    for student in children_of(parent).filter(user__isnull=False).select_related("user"):
        result.append(
            ChildProgress(
                student=student,
                cards=learner_cards(parent, student.user, today),
                year_hours=year_hours(parent, student.user, today.year),
            )
        )
    return result


def is_parent(user: Any) -> bool:
    from safecampus.core.access import has_role
    from safecampus.core.roles import Role

    return has_role(user, Role.PARENT)


# -- one lesson ---------------------------------------------------------------------------------
@dataclass
class LessonView:
    lesson: Lesson
    course: Course
    audience: str
    row: LessonProgress | None
    card: CourseCard
    required_s: int

    @property
    def credited_s(self) -> float:
        return self.row.credited_s if self.row else 0.0

    @property
    def furthest_s(self) -> float:
        return self.row.furthest_s if self.row else 0.0

    @property
    def completed(self) -> bool:
        return bool(self.row and self.row.completed_at)

    @property
    def start_at_s(self) -> float:
        """Where the player starts: the saved position, from the start when (nearly) at the end."""
        position = self.row.position_s if self.row else 0.0
        return 0.0 if position >= self.lesson.duration_s - 3 else position

    @property
    def neighbours(self) -> tuple[Lesson | None, Lesson | None]:
        lessons = self.card.lessons
        ids = [lesson.pk for lesson in lessons]
        i = ids.index(self.lesson.pk)
        return (lessons[i - 1] if i > 0 else None, lessons[i + 1] if i + 1 < len(lessons) else None)


def required_seconds(lesson: Lesson) -> int:
    ratio = float(policy_for(lesson.unit).training["completion_ratio"])
    return math.ceil(ratio * lesson.duration_s)


def lesson_for(user: Any, lesson_id: int, today: dt.date | None = None) -> LessonView:
    """A lesson offered to the user (published, their audience), with their progress; 404 alike
    for a missing lesson and one that is not for them."""
    lesson = (
        Lesson.objects.offered_to(user)
        .filter(
            pk=lesson_id,
            course__status=ContentStatus.PUBLISHED,
            course__campaign__status=ContentStatus.PUBLISHED,
        )
        .select_related("unit")
        .first()
    )
    if lesson is None:
        raise Http404
    card = next(iter(learner_cards(user, user, today, course_id=lesson.course_id)), None)
    if card is None:
        raise Http404
    lesson.course = card.course
    return LessonView(
        lesson=lesson,
        course=card.course,
        audience=card.audience,
        row=card.lesson_rows.get(lesson.pk),
        card=card,
        required_s=required_seconds(lesson),
    )


def course_card(user: Any, course_id: int, today: dt.date | None = None) -> CourseCard | None:
    return next(iter(learner_cards(user, user, today, course_id=course_id)), None)
