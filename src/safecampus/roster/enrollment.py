"""A student's place over time: the status table and the enrollment history.

Every enrolled student has exactly one open `Enrollment` (no `to_date`) for the class they are
in; moving them (import, promotion, transfer) closes it and opens the next one, so counts of
any earlier school year can be recounted from the history. Student status changes only through
the one transition table below, as compare-and-set updates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core import audit
from safecampus.core.bulk import insert_many
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import require
from safecampus.core.signals import people_changed

from .models import Enrollment, EnrollmentReason, SchoolClass, Student, StudentStatus

S = StudentStatus
BATCH = 2000

# action: (from states, to state, why the open enrollment ends — None: it stays open, label)
STUDENT_TRANSITIONS: dict[str, tuple[frozenset[str], str, str | None, Any]] = {
    "graduate": (frozenset({S.ENROLLED}), S.GRADUATED, EnrollmentReason.GRADUATED, gettext_lazy("Graduate")),
    "suspend": (frozenset({S.ENROLLED}), S.SUSPENDED, None, gettext_lazy("Suspend schooling")),
    "resume": (frozenset({S.SUSPENDED}), S.ENROLLED, None, gettext_lazy("Resume schooling")),
    "leave": (
        frozenset({S.ENROLLED, S.SUSPENDED}),
        S.TRANSFERRED,
        EnrollmentReason.TRANSFERRED_OUT,
        gettext_lazy("Transferred out of the system"),
    ),
}


def _transition(action: str) -> tuple[frozenset[str], str, str | None, Any]:
    try:
        return STUDENT_TRANSITIONS[action]
    except KeyError:
        raise Invalid(_("Unknown action.")) from None


def set_status(student_ids: list[int], action: str) -> None:
    """Compare-and-set: move every listed student from an allowed state, or none of them."""
    sources, target, _end, _label = _transition(action)
    moved = Student.objects.filter(pk__in=student_ids, status__in=sources).update(
        status=target, updated_at=timezone.now()
    )
    if moved != len(set(student_ids)):
        raise Conflict(_("A student's status changed in the meantime; please reload and try again."))
    people_changed.send(
        sender=Student,
        unit_ids=set(Student.objects.filter(pk__in=student_ids).values_list("unit_id", flat=True)),
    )


def close_open(student_ids: Iterable[int], *, on: dt.date, end_reason: str) -> int:
    """Close the open enrollment of each student (those that have one)."""
    ids = list(student_ids)
    closed = 0
    for start in range(0, len(ids), BATCH):
        closed += Enrollment.objects.filter(
            student_id__in=ids[start : start + BATCH], to_date__isnull=True
        ).update(to_date=on, end_reason=end_reason)
    return closed


def open_for(placements: Iterable[tuple[int, SchoolClass]], *, school: Unit, on: dt.date, reason: str) -> int:
    """Open one enrollment per (student id, class); the class's grade must be loaded."""
    rows = []
    for student_id, klass in placements:
        e = Enrollment(
            student_id=student_id,
            school_class=klass,
            school_year=klass.grade.school_year,
            grade_level=klass.grade.level,
            from_date=on,
            reason=reason,
        )
        e.set_unit(school)
        rows.append(e)
    insert_many(Enrollment, rows)
    return len(rows)


def record_import_enrollments(
    school: Unit, students: Iterable[Student], classes: Iterable[SchoolClass], *, on: dt.date | None = None
) -> int:
    """After an import wrote its students: open an enrollment for each student that is new, was
    moved to another class, or had none; close the one it replaces. A few queries per batch."""
    on = on or timezone.localdate()
    by_id = {c.pk: c for c in classes}
    placed = {s.pk: s.school_class_id for s in students if s.status == S.ENROLLED and s.school_class_id}
    ids = list(placed)
    current: dict[int, int] = {}
    for start in range(0, len(ids), BATCH):
        current.update(
            Enrollment.objects.filter(
                student_id__in=ids[start : start + BATCH], to_date__isnull=True
            ).values_list("student_id", "school_class_id")
        )
    moved = [sid for sid, class_id in placed.items() if current.get(sid) != class_id]
    close_open([sid for sid in moved if sid in current], on=on, end_reason=EnrollmentReason.IMPORTED)
    open_for(
        ((sid, by_id[placed[sid]]) for sid in moved), school=school, on=on, reason=EnrollmentReason.IMPORTED
    )
    return len(moved)


@transaction.atomic
def change_student_status(student: Student, action: str, *, actor: Any, on: dt.date | None = None) -> Student:
    """Suspend, resume, graduate or let a student leave the system, by the school's managers."""
    require(actor, Perm.MANAGE_USERS, student.unit)
    _sources, _target, end_reason, _label = _transition(action)
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("school_class__grade")
        .get(pk=student.pk)
    )
    before = student.audit_snapshot()
    set_status([student.pk], action)
    if end_reason:  # a suspended student keeps their place (and open enrollment) in the class
        close_open([student.pk], on=on or timezone.localdate(), end_reason=end_reason)
    student.refresh_from_db()
    audit.record(
        actor, "roster.student_status_changed", student, before=before, after=student.audit_snapshot()
    )
    return student
