"""Whole-file validation of a students-with-parents sheet, before anything is written.

`validate_students` reads every row, normalises it and checks it against the rest of the file
and the database. It returns a plan: clean rows, every problem by row and column, and the
grades and classes the file would create. Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from safecampus.core import crypto
from safecampus.core.models import Unit
from safecampus.core.validators import is_mobile, normalise, normalise_mobile, parse_id_card

from .columns import STUDENT_COLUMNS, find_header
from .files import Table
from .models import Student, StudentStatus, student_no_hash
from .naming import LEVELS_BY_SCHOOL_TYPE, parse_class, parse_grade

GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "男性": "M", "女性": "F"}
YES = {"是", "住宿", "住校", "寄宿", "y", "yes", "true", "1", "boarding"}
NO = {"", "否", "走读", "n", "no", "false", "0", "day"}
STUDENT_NO_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class StudentRow:
    row: int
    grade_level: int
    grade_text: str
    class_no: int
    class_text: str
    name: str
    gender: str
    id_card: str = ""
    birth_date: dt.date | None = None
    student_no: str = ""
    parent_name: str = ""
    parent_phone: str = ""
    relation: str = ""
    boarding: bool = False


@dataclass
class StudentPlan:
    school: Unit
    school_year: int
    rows: list[StudentRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def classes(self) -> dict[tuple[int, int], tuple[str, str]]:
        """(grade level, class number) → (grade as written, class as written), first spelling wins."""
        out: dict[tuple[int, int], tuple[str, str]] = {}
        for r in self.rows:
            out.setdefault((r.grade_level, r.class_no), (r.grade_text, r.class_text))
        return out


def _text(cells: list[str], mapping: dict[str, int], key: str) -> str:
    index = mapping.get(key)
    if index is None or index >= len(cells):
        return ""
    return " ".join(normalise_spaces(cells[index]).split())


def normalise_spaces(value: str) -> str:
    return str(value or "").replace("\u3000", " ").replace("\xa0", " ").strip()


def _date(value: str) -> dt.date | None:
    text = (
        normalise(value)
        .replace("/", "-")
        .replace(".", "-")
        .replace("年", "-")
        .replace("月", "-")
        .rstrip("日")
    )
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%d%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class _Checker:
    def __init__(self, plan: StudentPlan, labels: dict[str, str]) -> None:
        self.plan = plan
        self.labels = labels
        self.bad = False
        self.row = 0

    def error(self, column: str, message: str) -> None:
        self.plan.errors.append(RowError(self.row, str(self.labels.get(column, column)), message))
        self.bad = True


def _check_row(
    chk: _Checker, cells: list[str], mapping: dict[str, int], school_type: str
) -> StudentRow | None:
    get = lambda key: _text(cells, mapping, key)  # noqa: E731
    grade_text, class_text, name = get("grade"), get("class"), get("name")
    grade_level = parse_grade(grade_text, school_type)
    if not grade_text:
        chk.error("grade", _("The grade is missing."))
    elif grade_level is None or grade_level not in LEVELS_BY_SCHOOL_TYPE.get(school_type, [grade_level]):
        chk.error("grade", _("“%(v)s” is not a grade of this school.") % {"v": grade_text})
    class_no = parse_class(class_text, grade_level) if grade_level is not None else None
    if not class_text:
        chk.error("class", _("The class is missing."))
    elif class_no is None and grade_level is not None:
        chk.error(
            "class", _("“%(v)s” cannot be read as a class of %(g)s.") % {"v": class_text, "g": grade_text}
        )
    if not name:
        chk.error("name", _("The student's name is missing."))
    elif len(name) > 60:
        chk.error("name", _("The name is longer than 60 characters."))
    gender = GENDERS.get(normalise(get("gender")).lower(), "")
    if not gender:
        chk.error("gender", _("Gender must be 男 or 女."))
    id_card = normalise(get("id_card")).upper()
    birth = None
    if id_card:
        parsed = parse_id_card(id_card)
        if parsed is None:
            chk.error(
                "id_card", _("The ID-card number is not valid (18 characters with a correct check digit).")
            )
        else:
            birth, id_gender = parsed
            if gender and id_gender != gender:
                chk.error("id_card", _("The ID-card number does not match the gender."))
    birth_text = get("birth_date")
    if birth_text:
        written = _date(birth_text)
        if written is None:
            chk.error("birth_date", _("The birth date cannot be read; use YYYY-MM-DD."))
        elif birth and written != birth:
            chk.error("birth_date", _("The birth date does not match the ID-card number."))
        birth = birth or written
    student_no = normalise(get("student_no")).upper()
    if student_no and not STUDENT_NO_RE.match(student_no):
        chk.error("student_no", _("The student number may contain only letters and digits."))
    parent_name, parent_phone = get("parent_name"), normalise_mobile(get("parent_phone"))
    if parent_phone and not is_mobile(parent_phone):
        chk.error("parent_phone", _("“%(v)s” is not a mainland mobile number.") % {"v": get("parent_phone")})
    if len(parent_name) > 60:
        chk.error("parent_name", _("The name is longer than 60 characters."))
    if parent_phone and not parent_name:
        chk.error("parent_name", _("The parent's name is missing."))
    if parent_name and not parent_phone:
        chk.error("parent_phone", _("The parent's mobile number is missing."))
    if not id_card and not student_no:
        chk.error("id_card", _("Give the ID-card number or the student number (at least one)."))
    boarding_text = normalise(get("boarding")).lower()
    if boarding_text not in YES | NO:
        chk.error("boarding", _("Boarding must be 住宿 or 走读."))
    if chk.bad:
        return None
    return StudentRow(
        row=chk.row, grade_level=grade_level, grade_text=grade_text, class_no=class_no, class_text=class_text,
        name=name, gender=gender, id_card=id_card, birth_date=birth, student_no=student_no,
        parent_name=parent_name, parent_phone=parent_phone, relation=get("relation")[:20],
        boarding=boarding_text in YES,
    )  # fmt: skip


def _check_duplicates(plan: StudentPlan, labels: dict[str, str]) -> None:
    seen: dict[tuple[str, str], int] = {}
    parents: dict[str, tuple[str, int]] = {}
    for r in plan.rows:
        for key in ("id_card", "student_no"):
            value = getattr(r, key)
            if not value:
                continue
            first = seen.setdefault((key, value), r.row)
            if first != r.row:
                plan.errors.append(RowError(r.row, labels[key], _("Same as row %(r)d.") % {"r": first}))
        if r.parent_phone:
            name, first = parents.setdefault(r.parent_phone, (r.parent_name, r.row))
            if name != r.parent_name:
                plan.errors.append(
                    RowError(
                        r.row,
                        labels["parent_name"],
                        _("Row %(r)d gives this mobile number to another parent (%(n)s).")
                        % {"r": first, "n": name},
                    )
                )


def _check_database(plan: StudentPlan, labels: dict[str, str]) -> None:
    """A student whose record is at another school is flagged, never moved silently."""
    hashes = {crypto.lookup_hash(r.id_card): r for r in plan.rows if r.id_card}
    numbers = {student_no_hash(r.student_no): r for r in plan.rows if r.student_no}
    elsewhere = Student.objects.exclude(unit=plan.school)
    for s in elsewhere.filter(id_card_hash__in=list(hashes)).only("id_card_hash", "status"):
        message = (
            _("This student is enrolled at another school; ask the county to transfer the student.")
            if s.status in (StudentStatus.ENROLLED, StudentStatus.SUSPENDED)
            else _(
                "This student's record is at another school (graduated or left); ask the county to move it."
            )
        )
        plan.errors.append(RowError(hashes[s.id_card_hash].row, labels["id_card"], message))
    for s in elsewhere.filter(student_no_hash__in=list(numbers)).only("student_no_hash"):
        plan.errors.append(
            RowError(
                numbers[s.student_no_hash].row,
                labels["student_no"],
                _("This student number belongs to a student of another school."),
            )
        )


def _check_parent_accounts(plan: StudentPlan, labels: dict[str, str]) -> None:
    """A parent is matched by mobile number; the account's name must be the same person's."""
    from safecampus.accounts.models import User

    by_hash: dict[str, StudentRow] = {}
    for r in plan.rows:
        if r.parent_phone:
            by_hash.setdefault(crypto.lookup_hash(r.parent_phone), r)
    for user in User.objects.filter(phone_hash__in=list(by_hash)).only("phone_hash", "name"):
        r = by_hash[user.phone_hash]
        if user.name != r.parent_name:
            plan.errors.append(
                RowError(
                    r.row,
                    labels["parent_phone"],
                    _(
                        "This mobile number belongs to an account with another name; "
                        "check the parent's name or number."
                    ),
                )
            )


def validate_students(school: Unit, table: Table, *, school_year: int) -> StudentPlan:
    plan = StudentPlan(school=school, school_year=school_year)
    labels = {c.key: str(c.label) for c in STUDENT_COLUMNS}
    header_pos, mapping = find_header(table, STUDENT_COLUMNS)
    plan.header_row = table.rows[header_pos][0]
    chk = _Checker(plan, labels)
    for number, cells in table.rows[header_pos + 1 :]:
        chk.row, chk.bad = number, False
        row = _check_row(chk, cells, mapping, school.school_type)
        if row is not None:
            plan.rows.append(row)
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(plan.header_row, "", _("The file has no student rows under the header.")))
    _check_duplicates(plan, labels)
    _check_database(plan, labels)
    _check_parent_accounts(plan, labels)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan
