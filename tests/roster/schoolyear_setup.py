"""Helpers of the school-year tests: imports into demo schools, a snapshot of what promotion touches."""

from __future__ import annotations

import itertools

from safecampus.core.models import Unit
from safecampus.roster.importing import apply_students, check_students_file
from safecampus.roster.models import Enrollment, Grade, Promotion, SchoolClass, Student

from .factories import csv_bytes, student_rows

_batch = itertools.count(1)


def import_rows(
    school: Unit, actor, grade: str, n: int, *, classes: int = 1, year: int = 2026
) -> list[Student]:
    """Import `n` new students into `grade` (classes 1..`classes`) and return them."""
    k = next(_batch)
    rows = student_rows(
        n, grade=grade, classes=classes, seed=k + 40, phone_base=13700000000 + k * 1000, year=2008 + k % 12
    )
    plan = check_students_file(school, csv_bytes(rows, "utf-8"), actor=actor, school_year=year)
    assert plan.ok, plan.errors
    apply_students(plan, actor=actor)
    return list(Student.objects.with_student_no(*[r[5] for r in rows]))


def world() -> tuple:
    """Everything promotion may touch, to compare before and after."""
    return (
        sorted(Student.objects.values_list("pk", "status", "school_class_id", "unit_id")),
        sorted(
            Enrollment.objects.values_list("pk", "student_id", "school_class_id", "to_date", "end_reason")
        ),
        Grade.objects.count(),
        SchoolClass.objects.count(),
        Promotion.objects.count(),
    )
