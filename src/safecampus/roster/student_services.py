"""Student services: create, correct, and move through the enrolment states.

A student is validated as one row of an import into their class (`validation.validate_students`:
the GB 11643 checksum and its agreement with gender and birth date, student-number format,
mainland mobile numbers, a parent's account matched by number, a student enrolled at another
school), so a form, the API and a spreadsheet apply the same rules; a new student gets accounts
from the importer's own writer (`importing.write_students`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core import audit, crypto
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at, require

from .columns import STUDENT_COLUMNS, Column
from .enrollment import STUDENT_TRANSITIONS, change_student_status
from .files import Table
from .importing import Credential, write_students
from .models import SchoolClass, Student, StudentStatus, student_no_hash
from .naming import grade_name
from .teaching import heads
from .validation import RowError, StudentPlan, validate_students

S = StudentStatus

IDENTITY_FIELDS = frozenset({"name", "gender", "id_card", "student_no", "birth_date", "class_id"})
# What a head teacher may change for the students of a class they head: day/boarding, which they
# keep up to date in practice. Identity, class and status stay with the school office.
HEAD_TEACHER_FIELDS = frozenset({"boarding"})
STUDENT_FIELDS = IDENTITY_FIELDS | HEAD_TEACHER_FIELDS

# Import column → the API / form field it stands for.
FIELD_OF_COLUMN = {"grade": "class_id", "class": "class_id"}


def clean_text(value: Any, limit: int, field: str, missing: str) -> str:
    """Spaces collapsed; refuse empty (with `missing`) and over-long text."""
    text = " ".join(str(value or "").split())
    if not text:
        raise Invalid(missing, field=field)
    if len(text) > limit:
        raise Invalid(_("Ensure this value has at most %(n)s characters.") % {"n": limit}, field=field)
    return text


def one_row_table(columns: list[Column], values: dict[str, Any]) -> Table:
    """A header and one row, as an uploaded sheet would give them, for the import validators."""

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, dt.date):
            return value.isoformat()
        return "" if value is None else str(value)

    header = [c.aliases[0] for c in columns]
    return Table(rows=[(1, header), (2, [cell(values.get(c.key)) for c in columns])], kind="form")


def first_error(errors: list[RowError], columns: list[Column]) -> Invalid:
    by_label = {str(c.label): c.key for c in columns}
    error = errors[0]
    key = by_label.get(error.column, "")
    return Invalid(error.message, field=FIELD_OF_COLUMN.get(key, key) or None)


def _check_student(klass: SchoolClass, values: dict[str, Any]) -> StudentPlan:
    """Validate one student of `klass` with the importer's rules; the plan has exactly one row."""
    level = klass.grade.level
    cells = {**values, "grade": grade_name(level), "class": str(klass.number)}
    plan = validate_students(
        klass.unit, one_row_table(STUDENT_COLUMNS, cells), school_year=klass.grade.school_year
    )
    if plan.errors:
        raise first_error(plan.errors, STUDENT_COLUMNS)
    row = plan.rows[0]
    if (row.grade_level, row.class_no) != (level, klass.number):
        raise Invalid(_("This class's grade does not fit the school's type."), field="class_id")
    return plan


def _check_unique(id_card: str, student_no: str, *, exclude: int | None = None) -> None:
    others = Student.objects.exclude(pk=exclude)
    if id_card and others.filter(id_card_hash=crypto.lookup_hash(id_card)).exists():
        raise Invalid(_("A student with this ID-card number is already registered."), field="id_card")
    if student_no and others.with_student_no(student_no).exists():
        raise Invalid(_("A student with this student number is already registered."), field="student_no")


def heads_class_of(actor: Any, student: Student) -> bool:
    """Is the actor, as a head teacher at the student's school, the head of the student's class?"""
    return heads(actor, student.school_class)


@transaction.atomic
def create_student(
    school_class: SchoolClass,
    *,
    actor: Any,
    name: str,
    gender: str,
    id_card: str = "",
    student_no: str = "",
    birth_date: dt.date | None = None,
    boarding: bool = False,
    parent_name: str = "",
    parent_phone: str = "",
    relation: str = "",
) -> tuple[Student, list[Credential]]:
    """Enrol a student in a class with an account (and a parent account matched by mobile
    number), as an import of one row would. Returns the student and the initial passwords."""
    klass = SchoolClass.objects.select_related("grade", "unit").get(pk=school_class.pk)
    require(actor, Perm.MANAGE_USERS, klass.unit)
    plan = _check_student(klass, {
        "name": name, "gender": gender, "id_card": id_card, "student_no": student_no,
        "birth_date": birth_date, "boarding": boarding, "parent_name": parent_name,
        "parent_phone": parent_phone, "relation": relation,
    })  # fmt: skip
    row = plan.rows[0]
    _check_unique(row.id_card, row.student_no)
    outcome, students = write_students(plan, {(row.grade_level, row.class_no): klass}, actor=actor)
    student = students[row.row]
    after = student.audit_snapshot()
    if row.parent_phone:
        after["guardian"] = {"name": row.parent_name, "phone": crypto.mask_phone(row.parent_phone),
                             "relation": row.relation}  # fmt: skip
    audit.record(actor, "student.created", student, unit=klass.unit, after=after)
    return student, outcome.credentials


def _current_values(student: Student) -> dict[str, Any]:
    return {
        "name": student.name,
        "gender": student.gender,
        "id_card": student.id_card,
        "student_no": student.student_no,
        "birth_date": student.birth_date,
        "boarding": student.boarding,
    }


@transaction.atomic
def update_student(student: Student, *, actor: Any, **fields: Any) -> Student:
    """Correct a student's details or move them to another class of the school (managers), or
    change the head-teacher fields (the head teacher of the student's class)."""
    unknown = set(fields) - STUDENT_FIELDS
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("unit", "school_class__grade", "school_class__unit")
        .get(pk=student.pk)
    )
    if not has_perm_at(actor, Perm.MANAGE_USERS, student.unit):
        if not heads_class_of(actor, student):
            raise PermissionDenied("roster.update_student")
        if set(fields) - HEAD_TEACHER_FIELDS:
            raise Invalid(_("As head teacher you may change only whether the student boards."))
    klass = student.school_class
    if fields.get("class_id") is not None:
        klass = (
            SchoolClass.objects.visible_to(actor)
            .select_related("grade", "unit")
            .filter(pk=fields["class_id"], unit=student.unit)
            .first()
        )
    if klass is None:
        raise Invalid(_("Choose a class of the student's school."), field="class_id")
    changes = {k: ("" if v is None else v) for k, v in fields.items() if k != "class_id"}
    values = {**_current_values(student), **changes}
    if "id_card" in changes and "birth_date" not in changes:
        values["birth_date"] = None  # read from the new ID card
    row = _check_student(klass, values).rows[0]
    _check_unique(row.id_card, row.student_no, exclude=student.pk)
    before = _snapshot(student)
    student.name, student.gender, student.birth_date = row.name, row.gender, row.birth_date
    student.boarding, student.school_class = row.boarding, klass
    after = _snapshot(student)
    changed = {}  # encrypted values whose masked form may look the same
    if student_no_hash(row.student_no) != student.student_no_hash:
        student.student_no = row.student_no
        changed["student_no_changed"] = True
    if crypto.lookup_hash(row.id_card) != student.id_card_hash:
        student.id_card = row.id_card
        changed["id_card_changed"] = True
    if changed:
        after = {**_snapshot(student), **changed}
    if after == before:
        return student
    student.save()
    if student.user_id and before["name"] != after["name"]:
        User.objects.filter(pk=student.user_id).update(name=row.name)
    audit.record(actor, "student.updated", student, unit=student.unit, before=before, after=after)
    return student


def _snapshot(student: Student) -> dict[str, Any]:
    return {**student.audit_snapshot(), "birth_date": student.birth_date}


def set_student_status(student: Student, status: str, *, actor: Any) -> Student:
    """Move a student to `status` through the one student state machine
    (`enrollment.STUDENT_TRANSITIONS`), which also closes the enrollment where it ends."""
    student = Student.objects.select_related("unit").get(pk=student.pk)
    require(actor, Perm.MANAGE_USERS, student.unit)
    if status not in S.values:
        raise Invalid(_("Unknown status."), field="status")
    current = student.status
    if status == current:
        return student
    actions = [a for a, (src, dst, *_rest) in STUDENT_TRANSITIONS.items() if current in src and dst == status]
    if not actions:
        raise Conflict(
            _("A student who is %(from)s cannot become %(to)s.")
            % {"from": S(current).label, "to": S(status).label}
        )
    return change_student_status(student, actions[0], actor=actor)
