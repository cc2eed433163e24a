"""The people of a place for a scope: who is in the target, what each has learnt, who has not started.

A place's people are the enrolled students of the class, grade or unit (subtree) whose school type
and grade fit one of the scope's courses, and — for a whole unit — the staff, leaders, cadres and
parents holding a membership in its subtree whose audience one of the courses is for (the same
people the targets count). A person's figures come from their own learning facts (`Participation`,
`LearningDay` by learner), so a transferred student's progress belongs to them wherever earned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.http import Http404

from safecampus.accounts.models import User
from safecampus.core.places import Place
from safecampus.core.roles import Role
from safecampus.roster.models import Student, StudentStatus
from safecampus.training.learner import audience_of_role
from safecampus.training.models import Audience, Course
from safecampus.training.progress_models import CourseProgress, LearningDay

from .figures import FAR_FUTURE, FAR_PAST, Scope, fits
from .models import NO_GRADE, Participation

CHUNK = 500


@dataclass
class Person:
    user_id: int | None
    name: str
    audience: str
    where: str  # the student's class, or the member's unit
    learning_s: float = 0.0
    begun: int = 0
    completed: int = 0
    passed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.begun > 0


@dataclass(frozen=True)
class Window:
    """The scope and date range the people's figures are read for."""

    scope: Scope
    audience: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @cached_property
    def courses(self) -> list[Course]:
        return self.scope.courses()

    @property
    def first(self) -> dt.date:
        return self.start or FAR_PAST

    @property
    def last(self) -> dt.date:
        return self.end or FAR_FUTURE


def _roles_for(audiences: set[str]) -> list[str]:
    return [r.value for r in Role if r != Role.STUDENT and audience_of_role(r.value) in audiences]


def _wanted_audiences(window: Window) -> set[str]:
    courses = window.courses
    offered = {a for c in courses for a in c.audiences}
    return offered & {window.audience} if window.audience else offered


def students_qs(place: Place, window: Window) -> QuerySet[Student]:
    if Audience.STUDENT not in _wanted_audiences(window):
        return Student.objects.none()
    qs = Student.objects.filter(status=StudentStatus.ENROLLED)
    if place.school_class is not None:
        qs = qs.filter(school_class=place.school_class)
    elif place.grade is not None:
        qs = qs.filter(school_class__grade=place.grade)
    else:
        qs = qs.filter(unit_path__startswith=place.unit.path)
    return (
        qs.filter(_fitting(qs, window.courses))
        .select_related("school_class__grade", "unit")
        .order_by("unit_path", "school_class__grade__level", "school_class__number", "name", "pk")
    )


def _fitting(students: QuerySet[Student], courses: list[Course]) -> Q:
    """Students of a school type and grade level one of the courses is for: one condition per
    school type (a handful), whatever the number of schools or students."""
    kinds = set(students.order_by().values_list("unit__school_type", "school_class__grade__level").distinct())
    levels: dict[str, set[int]] = {}
    for school_type, level in kinds:
        level = NO_GRADE if level is None else level
        if any(fits(c, Audience.STUDENT, school_type or "", level) for c in courses):
            levels.setdefault(school_type or "", set()).add(level)
    fit = Q(pk__in=[])
    for school_type, wanted in sorted(levels.items()):
        lv = Q(school_class__grade__level__in=sorted(wanted - {NO_GRADE}))
        if NO_GRADE in wanted:
            lv |= Q(school_class__isnull=True)
        fit |= Q(unit__school_type=school_type) & lv
    return fit


def members_qs(place: Place, window: Window) -> QuerySet[User]:
    """Users with a (non-student) membership in the unit's subtree, for whole units only."""
    roles = _roles_for(_wanted_audiences(window) - {Audience.STUDENT})
    if place.grade is not None or place.school_class is not None or not place.whole_unit or not roles:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=roles,
            memberships__unit__path__startswith=place.unit.path,
        )
        .annotate(role=Min("memberships__role"), unit_name=Min("memberships__unit__name"))
        .order_by("name", "pk")
    )


def _participated(window: Window) -> QuerySet:
    campaign_id, stage_id, course_id = window.scope.key
    return Participation.objects.filter(
        campaign_id=campaign_id, stage_id=stage_id, course_id=course_id, first_day__lte=window.last
    ).values("learner_id")


def _student_person(s: Student) -> Person:
    where = str(s.school_class) if s.school_class_id else ""
    return Person(s.user_id, s.name, Audience.STUDENT, where, extra={"unit": s.unit.name})


def _member_person(u: User) -> Person:
    return Person(u.pk, u.name or u.username, audience_of_role(u.role), u.unit_name)


class PeopleList:
    """Students then members, as one sliceable sequence for the paginator and the exports."""

    def __init__(self, place: Place, window: Window, *, not_started: bool = False) -> None:
        self.window = window
        students, members = students_qs(place, window), members_qs(place, window)
        if not_started:
            done = _participated(window)
            students = students.exclude(user_id__in=done)
            members = members.exclude(pk__in=done)
        self.parts = [(students, _student_person), (members, _member_person)]
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [qs.count() for qs, _make in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[Person]:
        if not isinstance(s, slice):
            raise TypeError("PeopleList supports slices only")
        start, stop = s.start or 0, s.stop if s.stop is not None else self.count()
        out: list[Person] = []
        offset = 0
        for (qs, make), n in zip(self.parts, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                out.extend(make(x) for x in qs[lo:hi])
            offset += n
        return with_figures(out, self.window)

    def __iter__(self) -> Iterator[Person]:
        """Every person, with figures, in chunks (constant memory for exports)."""
        for qs, make in self.parts:
            chunk: list[Person] = []
            for x in qs.iterator(chunk_size=2000):
                chunk.append(make(x))
                if len(chunk) >= CHUNK:
                    yield from with_figures(chunk, self.window)
                    chunk = []
            if chunk:
                yield from with_figures(chunk, self.window)


def with_figures(people: list[Person], window: Window) -> list[Person]:
    """Fill in each person's learning time and courses begun, completed and passed in the scope."""
    ids = [p.user_id for p in people if p.user_id]
    if not ids:
        return people
    course_ids = [c.pk for c in window.courses]
    last = window.last
    seconds = dict(
        LearningDay.objects.filter(
            learner_id__in=ids, course_id__in=course_ids, day__gte=window.first, day__lte=last
        )
        .values("learner_id")
        .annotate(s=Sum("credited_s"))
        .values_list("learner_id", "s")
    )
    counts = {
        r["learner_id"]: r
        for r in Participation.objects.filter(
            learner_id__in=ids,
            campaign_id=window.scope.campaign.pk,
            course_id__in=course_ids,
            first_day__lte=last,
        )
        .values("learner_id")
        .annotate(
            begun=Count("id"),
            completed=Count("id", filter=Q(completed_day__lte=last)),
            passed=Count("id", filter=Q(passed_day__lte=last)),
        )
    }
    for p in people:
        if not p.user_id:
            continue
        p.learning_s = float(seconds.get(p.user_id) or 0)
        row = counts.get(p.user_id)
        if row:
            p.begun, p.completed, p.passed = row["begun"], row["completed"], row["passed"]
    return people


def person_in(viewer: Any, place: Place, window: Window, user_id: int) -> Person:
    """One person of the place: one of its people now, or a learner who learnt here in the scope
    and has left (their facts read through the viewer's scoping); 404 alike otherwise."""
    window_all = Window(window.scope, None, window.start, window.end)
    student = students_qs(place, window_all).filter(user_id=user_id).first()
    if student is not None:
        return with_figures([_student_person(student)], window)[0]
    member = members_qs(place, window_all).filter(pk=user_id).first()
    if member is not None:
        return with_figures([_member_person(member)], window)[0]
    campaign_id, stage_id, course_id = window.scope.key
    facts = Participation.objects.visible_to(viewer).filter(
        learner_id=user_id, campaign_id=campaign_id, stage_id=stage_id, course_id=course_id,
        unit_path__startswith=place.unit.path,
    )  # fmt: skip
    if place.grade is not None:
        facts = facts.filter(grade_id=place.grade.pk)
    if place.school_class is not None:
        facts = facts.filter(class_id=place.school_class.pk)
    fact = facts.select_related("learner", "unit").first()
    if fact is None:
        raise Http404
    person = Person(user_id, fact.learner.name or fact.learner.username, fact.audience, fact.unit.name)
    return with_figures([person], window)[0]


def person_courses(person: Person, window: Window) -> list[dict[str, Any]]:
    """The scope's courses with the person's progress in each (their own rows, wherever earned)."""
    courses = window.courses
    progress = {
        p.course_id: p for p in CourseProgress.objects.filter(learner_id=person.user_id, course__in=courses)
    }
    seconds = dict(
        LearningDay.objects.filter(
            learner_id=person.user_id, course__in=courses, day__gte=window.first, day__lte=window.last
        )
        .values("course_id")
        .annotate(s=Sum("credited_s"))
        .values_list("course_id", "s")
    )
    return [
        {"course": c, "progress": progress.get(c.pk), "learning_s": float(seconds.get(c.pk) or 0)}
        for c in courses
    ]
