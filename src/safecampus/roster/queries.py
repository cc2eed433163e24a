"""Read side of the roster, always scoped (DESIGN invariant 1).

Grades and classes are school rows, so their path-based `visible_to` lets any member of the
school find them; the pages here narrow that by role: school managers and bureaus see every
class of their area, head teachers and assistant teachers their own classes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from safecampus.core.models import Unit
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import active_memberships, has_perm_at, role_allows, scope_q

from .models import Grade, SchoolClass, Student, StudentStatus

ENROLLED = Q(students__status=StudentStatus.ENROLLED)


def classes_visible_to(user: Any) -> QuerySet[SchoolClass]:
    """Classes whose page the user may open."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return SchoolClass.objects.none()
    if user.is_superuser:
        return SchoolClass.objects.all()
    q = Q(pk__in=[])
    paths = []
    for m in active_memberships(user):
        if role_allows(m.role, Perm.VIEW_USERS):
            paths.append(m.unit.path)
        elif m.role == Role.HEAD_TEACHER:
            q |= Q(unit_path__startswith=m.unit.path) & (Q(head_teacher=user) | Q(assistants=user))
    if paths:
        q |= scope_q(paths, "unit_path")
    # A subquery, not a join: the assistants join would multiply the counts of `with_counts`.
    return SchoolClass.objects.filter(pk__in=SchoolClass.objects.filter(q).values("pk"))


def can_view_class_list(user: Any, school: Unit) -> bool:
    return has_perm_at(user, Perm.VIEW_USERS, school)


def with_counts(classes: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    """Classes with grade, head teacher and counts of enrolled students, in one query."""
    return classes.select_related("grade", "head_teacher").annotate(
        enrolled=Count("students", filter=ENROLLED),
        boys=Count("students", filter=ENROLLED & Q(students__gender="M")),
        girls=Count("students", filter=ENROLLED & Q(students__gender="F")),
        boarders=Count("students", filter=ENROLLED & Q(students__boarding=True)),
    )


def school_years(school: Unit) -> list[int]:
    return sorted(
        Grade.objects.filter(unit=school).order_by().values_list("school_year", flat=True).distinct(),
        reverse=True,
    )


def grades_with_classes(school: Unit, school_year: int) -> list[Grade]:
    """The school's grades of a year, each with `.class_rows`: one query per table."""
    grades = list(Grade.objects.filter(unit=school, school_year=school_year).order_by("level"))
    classes = with_counts(
        SchoolClass.objects.filter(grade__unit=school, grade__school_year=school_year)
    ).order_by("grade__level", "number")
    by_grade: dict[int, list[SchoolClass]] = {g.pk: [] for g in grades}
    for c in classes:
        by_grade.setdefault(c.grade_id, []).append(c)
    for g in grades:
        g.class_rows = by_grade[g.pk]
        g.enrolled = sum(c.enrolled for c in g.class_rows)
    return grades


def students_of(user: Any, klass: SchoolClass) -> QuerySet[Student]:
    return Student.objects.visible_to(user).filter(school_class=klass).order_by("name", "pk")


def children_of(user: Any) -> QuerySet[Student]:
    """A parent's children, with class and head teacher."""
    return (
        Student.objects.visible_to(user)
        .filter(guardians__parent=user)
        .select_related("unit", "school_class__grade", "school_class__head_teacher")
        .order_by("name", "pk")
    )
