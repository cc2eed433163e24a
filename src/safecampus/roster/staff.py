"""Staff import: people with posts at a school, matched by mobile number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.accounts.auth import generate_initial_password
from safecampus.accounts.hashers import make_initial_password_hash
from safecampus.accounts.models import User
from safecampus.core import audit, crypto
from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import require
from safecampus.core.validators import is_mobile, normalise, normalise_mobile, parse_id_card

from .columns import STAFF_COLUMNS, find_header
from .files import Table, read_table
from .importing import Credential, ImportOutcome, Progress, current_school_year, file_digest
from .models import SchoolClass, StaffPost
from .naming import parse_class, parse_grade
from .validation import GENDERS, RowError, _text

# Post as written → role. Other posts (宿管, 食堂, 司机 …) are kept as written with the staff role.
POST_ROLES = {
    "校长": Role.PRINCIPAL, "副校长": Role.PRINCIPAL, "园长": Role.PRINCIPAL, "副园长": Role.PRINCIPAL,
    "学校管理员": Role.SCHOOL_ADMIN, "信息管理员": Role.SCHOOL_ADMIN,
    "安全办": Role.SAFETY_STAFF, "安全干事": Role.SAFETY_STAFF, "安全管理员": Role.SAFETY_STAFF,
    "安全办主任": Role.SAFETY_STAFF, "专职安全管理人员": Role.SAFETY_STAFF,
    "班主任": Role.HEAD_TEACHER, "教师": Role.TEACHER, "老师": Role.TEACHER, "任课教师": Role.TEACHER,
    "保安": Role.GUARD, "门卫": Role.GUARD, "校医": Role.DOCTOR,
    "心理老师": Role.COUNSELLOR, "心理辅导员": Role.COUNSELLOR, "心理健康教师": Role.COUNSELLOR,
    "principal": Role.PRINCIPAL, "teacher": Role.TEACHER, "head teacher": Role.HEAD_TEACHER,
    "guard": Role.GUARD, "doctor": Role.DOCTOR, "counsellor": Role.COUNSELLOR,
}  # fmt: skip


@dataclass
class StaffRow:
    row: int
    name: str
    phone: str
    post: str
    role: str
    gender: str = ""
    id_card: str = ""
    klass: SchoolClass | None = None


@dataclass
class StaffPlan:
    school: Unit
    school_year: int
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_staff_file(school: Unit, data: bytes, *, actor: Any, school_year: int | None = None) -> StaffPlan:
    if school.kind != UnitKind.SCHOOL:
        raise Invalid(_("Staff are imported into a school."))
    require(actor, Perm.MANAGE_USERS, school)
    return validate_staff(school, read_table("", data), school_year=school_year or current_school_year())


def validate_staff(school: Unit, table: Table, *, school_year: int) -> StaffPlan:
    """Whole-table validation of staff rows; writes nothing."""
    plan = StaffPlan(school=school, school_year=school_year)
    labels = {c.key: str(c.label) for c in STAFF_COLUMNS}
    pos, mapping = find_header(table, STAFF_COLUMNS)
    classes = {
        (c.grade.level, c.number): c
        for c in SchoolClass.objects.filter(
            grade__unit=school, grade__school_year=plan.school_year
        ).select_related("grade")
    }
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows[pos + 1 :]:
        errors_before = len(plan.errors)

        def err(key: str, message: str, number: int = number) -> None:
            plan.errors.append(RowError(number, labels[key], message))

        name, post = _text(cells, mapping, "name"), _text(cells, mapping, "post")
        phone = normalise_mobile(_text(cells, mapping, "phone"))
        if not name:
            err("name", _("The name is missing."))
        elif len(name) > 60:
            err("name", _("The name is longer than 60 characters."))
        if not is_mobile(phone):
            err(
                "phone", _("“%(v)s” is not a mainland mobile number.") % {"v": _text(cells, mapping, "phone")}
            )
        if not post:
            err("post", _("The post is missing."))
        gender = GENDERS.get(normalise(_text(cells, mapping, "gender")).lower(), "")
        id_card = normalise(_text(cells, mapping, "id_card")).upper()
        if id_card and parse_id_card(id_card) is None:
            err("id_card", _("The ID-card number is not valid (18 characters with a correct check digit)."))
        role = POST_ROLES.get(post.lower() if post.isascii() else post, Role.STAFF)
        klass = None
        grade_text, class_text = _text(cells, mapping, "grade"), _text(cells, mapping, "class")
        if role == Role.HEAD_TEACHER and (grade_text or class_text):
            level = parse_grade(grade_text, school.school_type)
            number_in_grade = parse_class(class_text, level) if level is not None else None
            klass = classes.get((level, number_in_grade)) if number_in_grade else None
            if klass is None:
                err("class", _("No class %(g)s %(c)s this school year; import the students first.")
                    % {"g": grade_text, "c": class_text})  # fmt: skip
        key = (phone, post)
        if phone and key in seen:
            err("phone", _("Same as row %(r)d.") % {"r": seen[key]})
        seen.setdefault(key, number)
        if len(plan.errors) == errors_before:
            plan.rows.append(StaffRow(number, name, phone, post[:40], role, gender, id_card, klass))
    accounts = {u.phone_hash: u for u in User.objects.filter(
        phone_hash__in=[crypto.lookup_hash(r.phone) for r in plan.rows])}  # fmt: skip
    for r in plan.rows:
        user = accounts.get(crypto.lookup_hash(r.phone))
        if user is not None and user.name != r.name:
            plan.errors.append(
                RowError(
                    r.row,
                    labels["phone"],
                    _(
                        "This mobile number belongs to an account with another name; "
                        "check the name or number."
                    ),
                )
            )
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _classify(plan: StaffPlan) -> tuple[dict[int, User | None], dict[int, StaffPost | None]]:
    accounts = {u.phone_hash: u for u in User.objects.filter(
        phone_hash__in=[crypto.lookup_hash(r.phone) for r in plan.rows])}  # fmt: skip
    users = {r.row: accounts.get(crypto.lookup_hash(r.phone)) for r in plan.rows}
    posts = {(p.user_id, p.post): p for p in StaffPost.objects.filter(unit=plan.school)}
    return users, {
        r.row: posts.get((u.pk, r.post)) if u else None
        for r, u in zip(plan.rows, users.values(), strict=True)
    }


def preview_staff(plan: StaffPlan) -> dict[str, int]:
    _users, posts = _classify(plan)
    created = sum(1 for p in posts.values() if p is None)
    return {"created": created, "updated": 0, "unchanged": len(posts) - created}


def apply_staff(
    plan: StaffPlan, *, actor: Any, data: bytes = b"", file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    require(actor, Perm.MANAGE_USERS, plan.school)
    if not plan.ok:
        return ImportOutcome(ok=False, errors=[e.as_dict() for e in plan.errors])
    with transaction.atomic():
        outcome = write_staff(plan, progress)
        audit.record(actor, "roster.staff_imported", plan.school, after={
            "file": file_name, "sha256": file_digest(data) if data else "", "created": outcome.created,
            "updated": outcome.updated, "unchanged": outcome.unchanged})  # fmt: skip
    return outcome


def write_staff(plan: StaffPlan, progress: Progress | None = None) -> ImportOutcome:
    """Write a clean plan's rows (accounts, posts, roles, head teachers). The caller holds the
    transaction, has checked permission and records the audit event."""
    outcome = ImportOutcome(ok=True)
    users, posts = _classify(plan)
    for r in plan.rows:
        user = users[r.row]
        if user is None:
            password = generate_initial_password()
            user = User(
                username=f"t_{crypto.lookup_hash(r.phone)[:12]}",
                name=r.name,
                must_change_password=True,
                password=make_initial_password_hash(password),
            )
            user.phone = r.phone
            if r.id_card:
                user.id_card = r.id_card
            user.save()
            users[r.row] = user
            outcome.credentials.append(Credential("staff", r.post, r.name, user.username, password))
        changed = False
        if posts[r.row] is None:
            post = StaffPost(user=user, post=r.post, role=r.role)
            post.set_unit(plan.school)
            post.save()
            changed = True
        if not Membership.objects.filter(user=user, unit=plan.school, role=r.role, is_active=True).exists():
            Membership.objects.create(user=user, unit=plan.school, role=r.role)
            changed = True
        if r.klass is not None and r.klass.head_teacher_id != user.pk:
            SchoolClass.objects.filter(pk=r.klass.pk).update(head_teacher=user)
            changed = True
        if posts[r.row] is None:
            outcome.created += 1
        elif changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        done = outcome.created + outcome.updated + outcome.unchanged
        if progress is not None and (done % 100 == 0 or done == len(plan.rows)):
            progress(done, len(plan.rows))
    return outcome
