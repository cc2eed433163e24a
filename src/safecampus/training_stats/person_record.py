"""A person's annual training record for the performance appraisal: hours by month and by course,
certificates and quiz results of one calendar year, against their requirement.

Who may read it: the person; anyone who may watch training progress (`training.view_progress`)
at a unit where the person holds a post or studies; the head teacher of a student's class.
Anyone else is answered "not found", alike for a missing person. The rows themselves are read
through the learners' scoping (`visible_to(viewer)`), so a county sees the learning done in its
area and nothing a person did elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Min, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.roster.models import StaffPost, Student
from safecampus.training.certificates import certificates_of
from safecampus.training.class_models import Certificate
from safecampus.training.models import Course
from safecampus.training.progress_models import AttemptStatus, CourseProgress, LearningDay, QuizAttempt

from .compliance import STAFF_ROLES, PolicyCache, Requirement, requirement, year_fraction

FIRST_YEAR = 2000


def person_for(viewer: Any, user_id: int) -> User:
    """The person whose record the viewer may read — through the scoping of people (staff by
    their memberships) and of students (schools and bureaus, head teachers, parents); 404 alike
    otherwise."""
    person = User.objects.visible_to(viewer).filter(pk=user_id).first()
    if person is None:
        student = Student.objects.visible_to(viewer).filter(user_id=user_id).select_related("user").first()
        person = student.user if student is not None else None
    if person is None:
        raise Http404
    return person


def year_param(value: Any, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if value in (None, ""):
        return today.year
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise Invalid(
            _("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year},
            field="year",
        )
    return year


@dataclass
class CourseLine:
    course: Course
    hours: float
    completed_on: dt.date | None = None
    best_score: int | None = None
    passed: bool = False


@dataclass
class QuizLine:
    course_title: str
    score: int | None
    passed: bool | None
    submitted_at: dt.datetime | None


@dataclass
class PersonRecord:
    person: User
    year: int
    today: dt.date
    schools: list[Unit]
    requirement: Requirement | None
    months: list[float] = field(default_factory=lambda: [0.0] * 12)
    courses: list[CourseLine] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    quizzes: list[QuizLine] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(sum(self.months), 2)

    @property
    def expected(self) -> float:
        return (
            round(self.requirement.hours * year_fraction(self.year, self.today), 2) if self.requirement else 0
        )

    @property
    def behind(self) -> bool:
        return self.requirement is not None and self.hours + 1e-9 < self.expected

    @property
    def month_rows(self) -> list[tuple[int, float]]:
        return [(i + 1, h) for i, h in enumerate(self.months)]


def _requirement_of(person: User) -> tuple[list[Unit], Requirement | None]:
    roles: dict[int, set[str]] = defaultdict(set)
    schools: dict[int, Unit] = {}
    for m in Membership.objects.filter(
        user=person, is_active=True, unit__is_active=True, unit__kind=UnitKind.SCHOOL, role__in=STAFF_ROLES
    ).select_related("unit"):
        roles[m.unit_id].add(m.role)
        schools[m.unit_id] = m.unit
    if not schools:
        return [], None
    posts: dict[int, set[str]] = defaultdict(set)
    for unit_id, post in StaffPost.objects.filter(user=person).values_list("unit_id", "post"):
        posts[unit_id].add(post.strip())
    policies = PolicyCache(next(iter(schools.values())))
    found = [
        requirement(roles[pk], posts[pk], school, policies.for_unit(school)) for pk, school in schools.items()
    ]
    return list(schools.values()), max((r for r in found if r), key=lambda r: r.hours, default=None)


def _hours(seconds: float | None) -> float:
    return round((seconds or 0.0) / 3600, 2)


def annual_record(viewer: Any, person: User, year: int, *, today: dt.date | None = None) -> PersonRecord:
    schools, req = _requirement_of(person)
    record = PersonRecord(person, year, today or timezone.localdate(), schools, req)
    days = LearningDay.objects.visible_to(viewer).filter(learner=person, day__year=year)
    for row in days.annotate(m=ExtractMonth("day")).order_by().values("m").annotate(s=Sum("credited_s")):
        record.months[row["m"] - 1] = _hours(row["s"])
    per_course = {
        row["course"]: row["s"]
        for row in days.order_by().values("course").annotate(s=Sum("credited_s")).values("course", "s")
    }
    progress = {
        p.course_id: p
        for p in CourseProgress.objects.visible_to(viewer).filter(learner=person, course_id__in=per_course)
    }
    for course in (
        Course.objects.filter(pk__in=per_course)
        .select_related("campaign")
        .order_by("campaign__starts_on", "order", "pk")
    ):
        p = progress.get(course.pk)
        done = timezone.localtime(p.completed_at).date() if p and p.completed_at else None
        record.courses.append(
            CourseLine(course, _hours(per_course[course.pk]), done, p.best_score if p else None,
                       bool(p and p.passed_at))
        )  # fmt: skip
    record.certificates = [c for c in certificates_of(viewer, person) if c.year == year]
    attempts = (
        QuizAttempt.objects.visible_to(viewer)
        .filter(learner=person, status=AttemptStatus.SUBMITTED, submitted_at__year=year)
        .select_related("quiz__course")
        .order_by("-submitted_at")
    )
    record.quizzes = [
        QuizLine(a.quiz.course.display_title, a.score, a.passed, a.submitted_at) for a in attempts
    ]
    return record


def years_of(viewer: Any, person: User, today: dt.date | None = None) -> list[int]:
    """Years with learning (and the current one), newest first, for the year picker."""
    today = today or timezone.localdate()
    span = LearningDay.objects.visible_to(viewer).filter(learner=person).aggregate(a=Min("day"), b=Max("day"))
    years = {today.year}
    if span["a"] and span["b"]:
        years |= set(range(max(span["a"].year, FIRST_YEAR), span["b"].year + 1))
    return sorted(years, reverse=True)
