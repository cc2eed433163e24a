"""Read side of the roster: every list starts from `visible_to(user)` and loads what it shows
in a fixed number of queries.

Who sees what: grades and classes — everyone at the school and the bureaus above (the pages
narrow classes by role: school managers and bureaus see every class of their area, head
teachers and assistants their own); students — `Student.objects.visible_to` (managers and
bureaus their subtree, head teachers their classes, parents their children, students
themselves); staff posts — those who may see people (`Perm.VIEW_USERS`) in their subtree, and
everyone their own posts; parents — through the children the viewer sees.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from .models import Grade, Guardian, SchoolClass, StaffPost, Student, StudentStatus

ENROLLED = Q(students__status=StudentStatus.ENROLLED)


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


def grades_for(user: Any) -> QuerySet[Grade]:
    return Grade.objects.visible_to(user).select_related("unit").order_by("unit_path", "school_year", "level")


def class_rows_for(user: Any) -> QuerySet[SchoolClass]:
    """Classes the user may read, with school, grade, head teacher and enrolled count."""
    enrolled = Count("students", filter=Q(students__status=StudentStatus.ENROLLED))
    return (
        SchoolClass.objects.visible_to(user)
        .select_related("unit", "grade", "head_teacher")
        .annotate(student_count=enrolled)
        .order_by("unit_path", "grade__school_year", "grade__level", "number")
    )


def students_for(user: Any) -> QuerySet[Student]:
    guardians = Guardian.objects.select_related("parent").order_by("id")
    return (
        Student.objects.visible_to(user)
        .select_related("unit", "user", "school_class__grade")
        .prefetch_related(Prefetch("guardians", queryset=guardians))
        .order_by("unit_path", "school_class__grade__level", "school_class__number", "name", "id")
    )


def staff_posts_for(user: Any) -> QuerySet[StaffPost]:
    return (
        StaffPost.objects.visible_to(user).select_related("unit", "user").order_by("unit_path", "post", "id")
    )


def parents_for(user: Any, *, school: str | None = None, class_id: int | None = None) -> QuerySet[User]:
    """Parents of the children the user sees (optionally of one school or class), each with
    `visible_children`: their guardian links to the children the user sees, and no others."""
    visible = Student.objects.visible_to(user)
    chosen = visible
    if school is not None:
        chosen = chosen.filter(unit__code=school)
    if class_id is not None:
        chosen = chosen.filter(school_class_id=class_id)
    links = (
        Guardian.objects.filter(student__in=visible.values("pk"))
        .select_related("student__school_class__grade")
        .order_by("student__name", "id")
    )
    return (
        User.objects.filter(guardianships__student__in=chosen.values("pk"))
        .distinct()
        .prefetch_related(Prefetch("guardianships", queryset=links, to_attr="visible_children"))
        .order_by("name", "id")
    )


def people_by_student_no(text: str) -> QuerySet[Any] | None:
    """The pupil with exactly this student number and their parents (the unit page's search;
    registered with `core.people`). None when the text cannot be a student number."""
    number = text.strip()
    if not (6 <= len(number) <= 32 and number.isalnum()):
        return None
    students = Student.objects.with_student_no(number, number.upper())
    return User.objects.filter(Q(student__in=students) | Q(guardianships__student__in=students)).values("pk")
