"""Classes for the 1530 tests (the demo schools start without a roster in tests)."""

from __future__ import annotations

from safecampus.core.models import Unit
from safecampus.roster.models import Grade, SchoolClass


def make_class(school: Unit, level: int, number: int, head_teacher=None, *, year: int = 2026) -> SchoolClass:
    grade = Grade.objects.filter(unit=school, school_year=year, level=level).first()
    if grade is None:
        grade = Grade(school_year=year, level=level, name=f"{level}年级")
        grade.set_unit(school)
        grade.save()
    klass = SchoolClass(grade=grade, number=number, name=f"{number}班", head_teacher=head_teacher)
    klass.set_unit(school)
    klass.save()
    return klass
