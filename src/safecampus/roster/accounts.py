"""Passwords of students' accounts: head teachers reset their class's.

A head teacher (or an assistant of the class) may give a student of their class a new random
initial password; school managers and the bureaus above may too. Parents reset their own with
a code from the school: roster.parent_reset.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.accounts.auth import generate_initial_password
from safecampus.accounts.hashers import make_initial_password_hash
from safecampus.accounts.models import User
from safecampus.accounts.services import can_manage_user
from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import has_perm_at

from .models import Student
from .teaching import teaches


def is_class_teacher(actor: Any, student: Student) -> bool:
    """The actor is head teacher or an assistant of the student's class, acting as head teacher."""
    return student.school_class is not None and teaches(actor, student.school_class)


def can_reset_student_password(actor: Any, student: Student) -> bool:
    return has_perm_at(actor, Perm.MANAGE_USERS, student.unit) or is_class_teacher(actor, student)


@transaction.atomic
def reset_student_password(student: Student, *, actor: Any) -> str:
    """Give the student a new random initial password (shown once); they must change it."""
    if not can_reset_student_password(actor, student):
        raise PermissionDenied("roster.reset_student_password")
    if student.user_id is None:
        raise Invalid(_("This student has no account yet."))
    user = User.objects.select_for_update().get(pk=student.user_id)
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    if roles - {Role.STUDENT} and not can_manage_user(actor, user):
        # An account that also holds staff or parent roles is reset by its managers only.
        raise PermissionDenied("accounts.manage_user")
    password = generate_initial_password()
    user.password = make_initial_password_hash(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    user.api_tokens.update(revoked=True)
    audit.record(
        actor,
        "user.password_reset",
        user,
        unit=student.unit,
        after={"student": student.pk, "class": str(student.school_class) if student.school_class_id else ""},
    )
    return password
