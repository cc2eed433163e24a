"""Applying a checked roster file: all or nothing, idempotent, fast enough for a county.

`check_students_file` validates a whole file and writes nothing. `apply_students` writes a
clean plan in one transaction: grades and classes, students with their accounts, parent
accounts matched by mobile number, guardian links and memberships. Re-applying the same file
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.accounts.auth import generate_initial_password
from safecampus.accounts.hashers import make_initial_password_hash
from safecampus.accounts.models import User
from safecampus.core import audit, crypto
from safecampus.core.bulk import insert_and_fetch_ids, insert_many
from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import require
from safecampus.core.signals import people_changed

from .enrollment import record_import_enrollments
from .files import read_table
from .models import Grade, Guardian, SchoolClass, Student, student_no_hash
from .naming import grade_name
from .validation import StudentPlan, StudentRow, validate_students

BATCH = 2000
Progress = Callable[[int, int], None]


def current_school_year(today: dt.date | None = None) -> int:
    """The school year starts on 1 September (2026 = 2026–2027)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


@dataclass
class Credential:
    kind: str  # "student" or "parent"
    class_label: str
    name: str
    username: str
    password: str


@dataclass
class ImportOutcome:
    ok: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_students_file(
    school: Unit, data: bytes, *, actor: Any, school_year: int | None = None
) -> StudentPlan:
    """Validate a whole students-with-parents file. Writes nothing."""
    if school.kind != UnitKind.SCHOOL:
        raise Invalid(_("Students are imported into a school."))
    require(actor, Perm.MANAGE_USERS, school)
    table = read_table("", data)
    return validate_students(school, table, school_year=school_year or current_school_year())


def student_username(row: StudentRow) -> str:
    """Stable and unique, but carrying nothing personal: student numbers often are "G" + the
    ID-card number, so the username is a keyed hash of the student's identity."""
    identity = f"id:{row.id_card}" if row.id_card else f"no:{row.student_no}"
    return "s" + crypto.lookup_hash(identity)[:11]


def parent_username(phone: str) -> str:
    return f"p_{crypto.lookup_hash(phone)[:12]}"


class _Applier:
    def __init__(self, plan: StudentPlan, actor: Any, progress: Progress | None) -> None:
        self.plan = plan
        self.school = plan.school
        self.actor = actor
        self.progress = progress or (lambda done, total: None)
        self.outcome = ImportOutcome(ok=True)
        self.created_rows: set[int] = set()

    # grades and classes -----------------------------------------------------------------
    def classes(self) -> dict[tuple[int, int], SchoolClass]:
        school, year = self.school, self.plan.school_year
        grades = {g.level: g for g in Grade.objects.filter(unit=school, school_year=year)}
        out: dict[tuple[int, int], SchoolClass] = {}
        existing = {
            (c.grade.level, c.number): c
            for c in SchoolClass.objects.filter(grade__unit=school, grade__school_year=year).select_related(
                "grade"
            )
        }
        for (level, number), (_grade_text, class_text) in sorted(self.plan.classes.items()):
            grade = grades.get(level)
            if grade is None:
                grade = Grade(school_year=year, level=level, name=grade_name(level, school.school_type))
                grade.set_unit(school)
                grade.save()
                grades[level] = grade
            klass = existing.get((level, number))
            if klass is None:
                klass = SchoolClass(grade=grade, number=number, name=class_text)
                klass.set_unit(school)
                klass.save()
                self.outcome.new_classes.append(f"{grade.name}{class_text}")
            out[(level, number)] = klass
        return out

    # students ---------------------------------------------------------------------------
    def students(self, classes: dict[tuple[int, int], SchoolClass]) -> dict[int, Student]:
        rows = self.plan.rows
        found: dict[int, Student] = match_existing(self.plan)
        to_update: list[Student] = []
        new_rows: list[StudentRow] = []
        for r in rows:
            klass = classes[(r.grade_level, r.class_no)]
            s = found.get(r.row)
            if s is None:
                new_rows.append(r)
                continue
            if self.differs(s, r, klass):
                self._fill(s, r, klass)
                to_update.append(s)
            else:
                self.outcome.unchanged += 1
        if to_update:
            Student.objects.bulk_update(
                to_update,
                ["name", "gender", "birth_date", "boarding", "school_class", "student_no_enc",
                 "student_no_hash", "id_card_enc", "id_card_hash", "updated_at"],
                batch_size=BATCH,
            )  # fmt: skip
            self.outcome.updated += len(to_update)
        self.created_rows = {r.row for r in new_rows}
        self._create_students(new_rows, classes, found)
        return found

    @staticmethod
    def differs(s: Student, r: StudentRow, klass: SchoolClass) -> bool:
        return (
            s.name != r.name
            or s.gender != r.gender
            or s.birth_date != r.birth_date
            or s.boarding != r.boarding
            or s.school_class_id != klass.pk
            or (r.student_no and s.student_no_hash != student_no_hash(r.student_no))
            or (r.id_card and s.id_card_hash != crypto.lookup_hash(r.id_card))
        )

    @staticmethod
    def _fill(s: Student, r: StudentRow, klass: SchoolClass) -> None:
        s.name, s.gender, s.birth_date, s.boarding, s.school_class = (
            r.name,
            r.gender,
            r.birth_date,
            r.boarding,
            klass,
        )
        if r.student_no:
            s.student_no = r.student_no
        if r.id_card:
            s.id_card = r.id_card
        s.updated_at = timezone.now()

    def _create_students(self, rows: list[StudentRow], classes, found: dict[int, Student]) -> None:
        total = len(self.plan.rows)
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            users, passwords = [], []
            for r in chunk:
                password = generate_initial_password()
                users.append(
                    User(
                        username=student_username(r),
                        name=r.name,
                        must_change_password=True,
                        password=make_initial_password_hash(password),
                    )
                )
                passwords.append(password)
            users = self._bulk_create_users(users)
            students = []
            for r, user, password in zip(chunk, users, passwords, strict=True):
                klass = classes[(r.grade_level, r.class_no)]
                s = Student(user=user)
                self._fill(s, r, klass)
                s.set_unit(self.school)
                students.append(s)
                found[r.row] = s
                self.outcome.credentials.append(
                    Credential("student", str(klass), r.name, user.username, password)
                )
            self._bulk_create_with_ids(Student, students)
            insert_many(Membership, [Membership(user=u, unit=self.school, role=Role.STUDENT) for u in users])
            self.outcome.created += len(chunk)
            self.progress(self.outcome.created + self.outcome.updated + self.outcome.unchanged, total)

    @staticmethod
    def _bulk_create_users(users: list[User]) -> list[User]:
        insert_and_fetch_ids(User, users, "username")
        return users

    @staticmethod
    def _bulk_create_with_ids(model, objs: list) -> None:
        insert_and_fetch_ids(model, objs, "user")

    # parents ----------------------------------------------------------------------------
    def parents(self, students: dict[int, Student]) -> None:
        rows = [r for r in self.plan.rows if r.parent_phone]
        phones = {}
        for r in rows:
            phones.setdefault(r.parent_phone, r)
        hashes = {crypto.lookup_hash(p): p for p in phones}
        accounts = {u.phone_hash: u for u in User.objects.filter(phone_hash__in=list(hashes))}
        new_users = []
        for h, phone in hashes.items():
            if h in accounts:
                continue
            password = generate_initial_password()
            r = phones[phone]
            user = User(
                username=parent_username(phone),
                name=r.parent_name,
                must_change_password=True,
                password=make_initial_password_hash(password),
            )
            user.phone = phone
            new_users.append(user)
            student = students[r.row]
            self.outcome.credentials.append(
                Credential("parent", str(student.school_class), r.parent_name, user.username, password)
            )
        accounts.update({u.phone_hash: u for u in self._bulk_create_users(new_users)})
        members = set(
            Membership.objects.filter(
                unit=self.school, role=Role.PARENT, is_active=True, user__in=list(accounts.values())
            ).values_list("user_id", flat=True)
        )
        insert_many(
            Membership,
            [
                Membership(user=u, unit=self.school, role=Role.PARENT)
                for u in accounts.values()
                if u.pk not in members
            ],
        )
        existing_students = [s.pk for row, s in students.items() if row not in self.created_rows]
        links = {
            (g.student_id, g.parent_id): g for g in Guardian.objects.filter(student__in=existing_students)
        }
        new_links, changed = [], []
        for r in rows:
            parent = accounts[crypto.lookup_hash(r.parent_phone)]
            student = students[r.row]
            link = links.get((student.pk, parent.pk))
            if link is None:
                new_links.append(Guardian(student=student, parent=parent, relation=r.relation))
                links[(student.pk, parent.pk)] = new_links[-1]
            elif r.relation and link.relation != r.relation:
                link.relation = r.relation
                changed.append(link)
        insert_many(Guardian, new_links)
        Guardian.objects.bulk_update(changed, ["relation"], batch_size=BATCH)


def match_existing(plan: StudentPlan) -> dict[int, Student]:
    """Row number → the school's existing student with the same ID card or student number."""
    by_hash = {crypto.lookup_hash(r.id_card): r for r in plan.rows if r.id_card}
    by_no = {student_no_hash(r.student_no): r for r in plan.rows if r.student_no}
    found: dict[int, Student] = {}
    existing = (
        Student.objects.filter(unit=plan.school)
        .filter(Q(id_card_hash__in=list(by_hash)) | Q(student_no_hash__in=list(by_no)))
        .select_related("school_class__grade")
    )
    for s in existing:
        r = by_hash.get(s.id_card_hash) or by_no.get(s.student_no_hash)
        if r is not None:
            found[r.row] = s
    return found


def preview_students(plan: StudentPlan) -> dict[str, int]:
    """What applying would do, without writing: counts of created, updated and unchanged rows."""
    found = match_existing(plan)
    classes = {
        (c.grade.level, c.number): c
        for c in SchoolClass.objects.filter(
            grade__unit=plan.school, grade__school_year=plan.school_year
        ).select_related("grade")
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in plan.rows:
        s, klass = found.get(r.row), classes.get((r.grade_level, r.class_no))
        if s is None:
            counts["created"] += 1
        elif klass is None or _Applier.differs(s, r, klass):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def apply_students(
    plan: StudentPlan, *, actor: Any, data: bytes = b"", file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    """Write a clean plan in one transaction; a plan with errors writes nothing."""
    require(actor, Perm.MANAGE_USERS, plan.school)
    if not plan.ok:
        return ImportOutcome(ok=False, errors=[e.as_dict() for e in plan.errors])
    with transaction.atomic():
        applier = _Applier(plan, actor, progress)
        classes = applier.classes()
        students = applier.students(classes)
        record_import_enrollments(plan.school, students.values(), classes.values())
        applier.parents(students)
        people_changed.send(sender=Student, unit_ids=[plan.school.pk])
        outcome = applier.outcome
        audit.record(
            actor,
            "roster.students_imported",
            plan.school,
            after={
                "file": file_name,
                "sha256": file_digest(data) if data else "",
                "school_year": plan.school_year,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "new_classes": outcome.new_classes,
            },
        )
    return outcome


def encrypt_credentials(credentials: list[Credential]) -> str:
    return crypto.encrypt(json.dumps([c.__dict__ for c in credentials], ensure_ascii=False))


def decrypt_credentials(token: str) -> list[Credential]:
    text = crypto.decrypt(token)
    return [Credential(**c) for c in json.loads(text)] if text else []


def write_students(
    plan: StudentPlan, classes: dict[tuple[int, int], SchoolClass], *, actor: Any
) -> tuple[ImportOutcome, dict[int, Student]]:
    """Write a clean plan's rows into existing classes, exactly as an import does (accounts,
    parents matched by mobile number, guardian links). The caller holds the transaction, has
    checked permission and records its own audit event."""
    applier = _Applier(plan, actor, None)
    students = applier.students(classes)
    applier.parents(students)
    return applier.outcome, students
