"""Roster services: every change to grades, classes, staff posts and guardians goes through here
(students: `roster.student_services`, re-exported below).

Each service checks permission, validates with the importer's own rules, writes, and records an
audit event in the same transaction. People created here get accounts exactly as an import
gives them (the importer's writers are reused, not copied).

Who may write: school managers (school admin, principal) and the bureaus above the school —
`Perm.MANAGE_USERS` at the school. A head teacher may change the non-identity details of the
students of the classes they head (see `student_services.HEAD_TEACHER_FIELDS`) and their guardians'
relation; never names, ID cards, numbers, classes or status.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.accounts.services import update_user
from safecampus.core import audit, crypto
from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import ROLE_SPECS, Perm, Role
from safecampus.core.scoping import best_rank_at, has_perm_at, require

from .columns import STAFF_COLUMNS
from .importing import Credential, current_school_year
from .models import Grade, Guardian, SchoolClass, StaffPost, Student
from .naming import LEVELS_BY_SCHOOL_TYPE, grade_name, parse_class
from .staff import POST_ROLES, preview_staff, validate_staff, write_staff
from .student_services import (
    HEAD_TEACHER_FIELDS,
    clean_text,
    create_student,
    first_error,
    heads_class_of,
    one_row_table,
    set_student_status,
    update_student,
)

__all__ = [
    "HEAD_TEACHER_FIELDS",
    "create_class",
    "create_grade",
    "create_staff_post",
    "create_student",
    "set_student_status",
    "update_class",
    "update_grade",
    "update_guardian",
    "update_staff_post",
    "update_student",
]

MIN_SCHOOL_YEAR, MAX_SCHOOL_YEAR = 2000, 2100


def _require_school(unit: Unit) -> None:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Grades, classes, students and staff belong to a school."), field="school")


# --- grades ------------------------------------------------------------------------------


def grade_snapshot(grade: Grade) -> dict[str, Any]:
    return {"school_year": grade.school_year, "level": grade.level, "name": grade.name}


@transaction.atomic
def create_grade(school: Unit, *, actor: Any, school_year: int, level: int, name: str = "") -> Grade:
    _require_school(school)
    require(actor, Perm.MANAGE_USERS, school)
    if not MIN_SCHOOL_YEAR <= school_year <= MAX_SCHOOL_YEAR:
        raise Invalid(_("The school year must be between 2000 and 2100."), field="school_year")
    levels = LEVELS_BY_SCHOOL_TYPE.get(school.school_type)
    if levels is not None and level not in levels:
        raise Invalid(_("This school does not teach grade level %(n)d.") % {"n": level}, field="level")
    if Grade.objects.filter(unit=school, school_year=school_year, level=level).exists():
        raise Invalid(_("This grade already exists for that school year."), field="level")
    grade = Grade(
        school_year=school_year,
        level=level,
        name=clean_text(name or grade_name(level, school.school_type), 30, "name", _("Please enter a name.")),
    )
    grade.set_unit(school)
    grade.save()
    audit.record(actor, "grade.created", grade, unit=school, after=grade_snapshot(grade))
    return grade


@transaction.atomic
def update_grade(grade: Grade, *, actor: Any, name: str | None = None) -> Grade:
    """Rename a grade (its level and school year are its identity and stay)."""
    grade = Grade.objects.select_for_update(of=("self",)).select_related("unit").get(pk=grade.pk)
    require(actor, Perm.MANAGE_USERS, grade.unit)
    if name is None:
        return grade
    name = clean_text(name, 30, "name", _("Please enter a name."))
    if name == grade.name:
        return grade
    before = grade_snapshot(grade)
    grade.name = name
    grade.save(update_fields=["name"])
    audit.record(actor, "grade.updated", grade, unit=grade.unit, before=before, after=grade_snapshot(grade))
    return grade


# --- classes -----------------------------------------------------------------------------


def class_snapshot(klass: SchoolClass) -> dict[str, Any]:
    return {
        "grade": str(klass.grade),
        "school_year": klass.grade.school_year,
        "number": klass.number,
        "name": klass.name,
        "head_teacher": klass.head_teacher.username if klass.head_teacher_id else "",
    }


def _class_number(grade: Grade, name: str, *, exclude: int | None = None) -> tuple[str, int]:
    """The class name as written, and its number: "1班", "一班", "(1)班", "初一1班" are all 1."""
    name = clean_text(name, 30, "name", _("Please enter the class name, e.g. 1班."))
    number = parse_class(name, grade.level)
    if number is None:
        raise Invalid(
            _("“%(v)s” cannot be read as a class of %(g)s.") % {"v": name, "g": grade.name}, field="name"
        )
    clash = SchoolClass.objects.filter(grade=grade, number=number).exclude(pk=exclude).first()
    if clash is not None:
        raise Invalid(
            _("%(g)s already has this class (written “%(c)s”).") % {"g": grade.name, "c": clash.name},
            field="name",
        )
    return name, number


def _head_teacher(school: Unit, user_id: int | None, actor: Any) -> User | None:
    """A head teacher of the school the actor can see, or None to clear."""
    if user_id is None:
        return None
    user = User.objects.visible_to(actor).filter(pk=user_id, is_active=True).first()
    if (
        user is None
        or not Membership.objects.filter(
            user=user, unit=school, role=Role.HEAD_TEACHER, is_active=True
        ).exists()
    ):
        raise Invalid(
            _("This person is not a head teacher of this school; give them the head teacher role first."),
            field="head_teacher_id",
        )
    return user


@transaction.atomic
def create_class(grade: Grade, *, actor: Any, name: str, head_teacher_id: int | None = None) -> SchoolClass:
    grade = Grade.objects.select_related("unit").get(pk=grade.pk)
    require(actor, Perm.MANAGE_USERS, grade.unit)
    name, number = _class_number(grade, name)
    klass = SchoolClass(
        grade=grade, number=number, name=name, head_teacher=_head_teacher(grade.unit, head_teacher_id, actor)
    )
    klass.set_unit(grade.unit)
    klass.save()
    audit.record(actor, "class.created", klass, unit=grade.unit, after=class_snapshot(klass))
    return klass


@transaction.atomic
def update_class(klass: SchoolClass, *, actor: Any, **fields: Any) -> SchoolClass:
    """Rename a class (its number follows the name) or set / clear its head teacher."""
    unknown = set(fields) - {"name", "head_teacher_id"}
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    klass = (
        SchoolClass.objects.select_for_update(of=("self",))
        .select_related("grade", "unit", "head_teacher")
        .get(pk=klass.pk)
    )
    require(actor, Perm.MANAGE_USERS, klass.unit)
    before = class_snapshot(klass)
    if "name" in fields:
        klass.name, klass.number = _class_number(klass.grade, fields["name"], exclude=klass.pk)
    if "head_teacher_id" in fields:
        klass.head_teacher = _head_teacher(klass.unit, fields["head_teacher_id"], actor)
    after = class_snapshot(klass)
    if after == before:
        return klass
    klass.save(update_fields=["name", "number", "head_teacher"])
    audit.record(actor, "class.updated", klass, unit=klass.unit, before=before, after=after)
    return klass


# --- staff posts -------------------------------------------------------------------------


def post_snapshot(post: StaffPost) -> dict[str, Any]:
    return {"user": post.user.username, "name": post.user.name, "post": post.post, "role": post.role}


def _check_role_rank(actor: Any, school: Unit, role: str) -> None:
    if ROLE_SPECS[role].rank > best_rank_at(actor, Perm.MANAGE_USERS, school):
        raise Invalid(_("You cannot grant a role above your own."), field="post")


@transaction.atomic
def create_staff_post(
    school: Unit, *, actor: Any, name: str, phone: str, post: str, id_card: str = "", gender: str = ""
) -> tuple[StaffPost, list[Credential]]:
    """A person with a post at the school, matched by mobile number as the staff import does;
    the post's role (校长 → principal, 宿管 → staff …) comes with it. Returns the new account's
    initial password when one was made."""
    _require_school(school)
    require(actor, Perm.MANAGE_USERS, school)
    values = {"name": name, "phone": phone, "post": post, "id_card": id_card, "gender": gender}
    plan = validate_staff(school, one_row_table(STAFF_COLUMNS, values), school_year=current_school_year())
    if plan.errors:
        raise first_error(plan.errors, STAFF_COLUMNS)
    row = plan.rows[0]
    _check_role_rank(actor, school, row.role)
    if preview_staff(plan)["created"] == 0:
        raise Invalid(_("This person already holds this post at this school."), field="post")
    outcome = write_staff(plan)
    staff_post = StaffPost.objects.select_related("user").get(
        unit=school, post=row.post, user__phone_hash=crypto.lookup_hash(row.phone)
    )
    audit.record(actor, "staff.created", staff_post, unit=school, after=post_snapshot(staff_post))
    return staff_post, outcome.credentials


@transaction.atomic
def update_staff_post(staff_post: StaffPost, *, actor: Any, **fields: Any) -> StaffPost:
    """Rename the post (granting the new post's role; an old role is left for the people page to
    revoke), or correct the person's name or mobile number (as `accounts.services.update_user`)."""
    unknown = set(fields) - {"post", "name", "phone"}
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    staff_post = (
        StaffPost.objects.select_for_update(of=("self",)).select_related("user", "unit").get(pk=staff_post.pk)
    )
    school, person = staff_post.unit, staff_post.user
    require(actor, Perm.MANAGE_USERS, school)
    before = post_snapshot(staff_post)
    if "post" in fields:
        title = clean_text(fields["post"], 40, "post", _("The post is missing."))
        role = POST_ROLES.get(title.lower() if title.isascii() else title, Role.STAFF)
        _check_role_rank(actor, school, role)
        if StaffPost.objects.filter(user=person, unit=school, post=title).exclude(pk=staff_post.pk).exists():
            raise Invalid(_("This person already holds this post at this school."), field="post")
        if not Membership.objects.filter(user=person, unit=school, role=role, is_active=True).exists():
            Membership.objects.create(user=person, unit=school, role=role)
        staff_post.post, staff_post.role = title, role
        staff_post.save(update_fields=["post", "role"])
    if "name" in fields or "phone" in fields:
        name = fields["name"] if fields.get("name") is not None else person.name
        phone = fields["phone"] if fields.get("phone") is not None else person.phone
        if (name, phone) != (person.name, person.phone):
            staff_post.user = update_user(person, actor=actor, name=name, phone=phone)
    after = post_snapshot(staff_post)
    if after != before:
        audit.record(actor, "staff.updated", staff_post, unit=school, before=before, after=after)
    return staff_post


# --- guardians ---------------------------------------------------------------------------


@transaction.atomic
def update_guardian(
    parent: User,
    *,
    actor: Any,
    name: str | None = None,
    relation: str | None = None,
    student_id: int | None = None,
) -> User:
    """Correct a parent's name (a manager of every school the parent belongs to), or the relation
    to one child (`student_id`) or to every child the actor can see (managers; head teachers for
    the children in their classes)."""
    links = list(
        Guardian.objects.filter(parent=parent, student__in=Student.objects.visible_to(actor))
        .select_related("student__unit", "student__school_class")
        .order_by("id")
    )
    if student_id is not None:
        links = [g for g in links if g.student_id == student_id]
        if not links:
            raise Invalid(_("This parent has no such child."), field="student_id")
    if not links:
        raise PermissionDenied("roster.update_guardian")
    if relation is not None:
        relation = clean_text(relation, 20, "relation", _("Please enter the relation, e.g. 父亲."))
        for link in links:
            student = link.student
            if not (has_perm_at(actor, Perm.MANAGE_USERS, student.unit) or heads_class_of(actor, student)):
                raise PermissionDenied("roster.update_guardian")
        for link in links:
            if link.relation != relation:
                before = {"parent": parent.username, "student": link.student.name, "relation": link.relation}
                link.relation = relation
                link.save(update_fields=["relation"])
                audit.record(
                    actor, "guardian.updated", link, unit=link.student.unit, before=before,
                    after={**before, "relation": relation},
                )  # fmt: skip
    if name is not None:
        name = clean_text(name, 60, "name", _("Please enter the person's real name (at most 60 characters)."))
        if name != parent.name:
            parent = update_user(parent, actor=actor, name=name, phone=parent.phone)
    return parent
