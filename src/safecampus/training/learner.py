"""Who a user is as a learner: audiences, the unit their learning counts for, grade and school type.

Audiences come from active memberships: bureau roles → cadres; principals and school
administrators → school leaders; other school posts → teachers and staff; students; parents.
A user may belong to several (a teacher who is also a parent); each course counts under the
first audience it shares with the user, in the order of `AUDIENCE_PRIORITY`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safecampus.core.access import memberships
from safecampus.core.models import Unit
from safecampus.core.roles import BUREAU, ROLE_SPECS, Role, role_spec

from .models import Audience, Course, student_fits

LEADER_ROLES = frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN})
AUDIENCE_PRIORITY = [Audience.STUDENT, Audience.STAFF, Audience.LEADER, Audience.CADRE, Audience.PARENT]


def audience_of_role(role: str) -> str:
    if role == Role.STUDENT:
        return Audience.STUDENT
    if role == Role.PARENT:
        return Audience.PARENT
    if role_spec(role).level == BUREAU:
        return Audience.CADRE
    if role in LEADER_ROLES:
        return Audience.LEADER
    return Audience.STAFF


@dataclass
class Learner:
    user: Any
    units: dict[str, Unit] = field(default_factory=dict)  # audience → unit the learning counts for
    grade_level: int | None = None
    grade_id: int = 0
    class_id: int = 0
    school_type: str = ""

    @property
    def audiences(self) -> list[str]:
        return [a for a in AUDIENCE_PRIORITY if a in self.units]

    def audience_for(self, course: Course) -> str | None:
        """The audience under which this learner takes `course`, or None when it is not for them."""
        for audience in self.audiences:
            if audience not in course.audiences:
                continue
            unit = self.units[audience]
            if not (unit.path == course.unit_path or unit.path.startswith(course.unit_path)):
                continue
            if audience == Audience.STUDENT and not self._student_fits(course):
                continue
            return audience
        return None

    def _student_fits(self, course: Course) -> bool:
        return student_fits(course, self.school_type, self.grade_level)


def _filled(learner: Learner, memberships: list[Any], student: Any) -> Learner:
    """Audiences from the memberships (the first of each audience wins); grade and school from
    the student record."""
    for m in memberships:
        learner.units.setdefault(audience_of_role(m.role), m.unit)
    if Audience.STUDENT in learner.units:
        if student is not None and student.school_class_id:
            learner.grade_level = student.school_class.grade.level
            learner.grade_id = student.school_class.grade_id
            learner.class_id = student.school_class_id
            learner.units[Audience.STUDENT] = student.unit
        learner.school_type = learner.units[Audience.STUDENT].school_type
    return learner


def _students_by_user(user_ids: list[int]) -> dict[int, Any]:
    from safecampus.roster.models import Student

    rows = Student.objects.filter(user_id__in=user_ids).select_related("school_class__grade", "unit")
    return {s.user_id: s for s in rows}


def learner_of(user: Any) -> Learner:
    held = memberships(user)
    is_student = any(audience_of_role(m.role) == Audience.STUDENT for m in held)
    student = _students_by_user([user.pk]).get(user.pk) if is_student else None
    return _filled(Learner(user=user), held, student)


def learners_of(users: list[Any]) -> dict[int, Learner]:
    """`learner_of` for many users at once (a few queries per 500 users), from all their active
    memberships in the order `core.access.memberships` gives them."""
    from safecampus.core.models import Membership

    out: dict[int, Learner] = {}
    ids = [u.pk for u in users]
    by_id = {u.pk: u for u in users}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        memberships: dict[int, list[Any]] = {pk: [] for pk in chunk}
        for m in (
            Membership.objects.filter(user_id__in=chunk, is_active=True, unit__is_active=True)
            .select_related("unit")
            .order_by("-id")
        ):
            memberships[m.user_id].append(m)
        students = _students_by_user(chunk)
        for pk in chunk:
            ordered = sorted(memberships[pk], key=lambda m: -ROLE_SPECS[m.role].rank)
            out[pk] = _filled(Learner(user=by_id[pk]), ordered, students.get(pk))
    return out
