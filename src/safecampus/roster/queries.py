"""Read side of the roster: every list starts from `visible_to(user)` and loads what it shows
in a fixed number of queries.

Who sees what: grades and classes — everyone at the school and the bureaus above; students —
`Student.objects.visible_to` (managers and bureaus their subtree, head teachers their classes,
parents their children, students themselves); staff posts — those who may see people
(`Perm.VIEW_USERS`) in their subtree, and everyone their own posts; parents — through the
children the viewer sees.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safecampus.accounts.models import User
from safecampus.core.roles import Perm, role_allows
from safecampus.core.scoping import active_memberships, scope_q

from .models import Grade, Guardian, SchoolClass, StaffPost, Student, StudentStatus


def grades_for(user: Any) -> QuerySet[Grade]:
    return Grade.objects.visible_to(user).select_related("unit").order_by("unit_path", "school_year", "level")


def classes_for(user: Any) -> QuerySet[SchoolClass]:
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
    qs = StaffPost.objects.visible_to(user).select_related("unit", "user")
    if getattr(user, "is_superuser", False):
        return qs.order_by("unit_path", "post", "id")
    paths = [m.unit.path for m in active_memberships(user) if role_allows(m.role, Perm.VIEW_USERS)]
    return qs.filter(scope_q(paths, "unit_path") | Q(user=user)).order_by("unit_path", "post", "id")


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
