"""Passwords of roster accounts: head teachers reset their class's, parents reset their own.

A head teacher (or an assistant of the class) may give a student of their class a new random
initial password; school managers and the bureaus above may too. A parent who forgot their
password proves who they are with their mobile number, their child's student number and the
last six characters of the child's ID-card number. Failures count toward the sign-in lock-out
and never say which detail was wrong.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.accounts.auth import check_lockout, generate_initial_password
from safecampus.accounts.hashers import make_initial_password_hash
from safecampus.accounts.models import LoginAttempt, User
from safecampus.accounts.services import can_manage_user
from safecampus.core import audit, crypto
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import has_perm_at
from safecampus.core.validators import is_mobile, normalise, normalise_mobile

from .models import Student
from .teaching import teaches

PARENT_RESET_FAILED = gettext_lazy(
    "These details do not match our records. Please check them, or ask your child's head teacher."
)


class ParentResetFailed(DomainError):
    status = 400


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


def _parent_only(user: User) -> bool:
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    return roles == {Role.PARENT}


def _matching_child(parent: User | None, student_no: str, id_last6: str) -> Student | None:
    """The parent's child with this student number whose ID card ends with these characters."""
    candidates = []
    if parent is not None and student_no and _parent_only(parent):
        candidates = list(
            Student.objects.with_student_no(student_no)
            .filter(guardians__parent=parent)
            .select_related("unit")
        )
    match = None
    for student in candidates or [None]:
        card = student.id_card if student is not None else "0" * 18  # same work when nothing matched
        ok = hmac.compare_digest(card[-6:].upper().encode(), id_last6.encode())
        if ok and student is not None and len(card) >= 6 and len(id_last6) == 6:
            match = student
    return match


def reset_parent_password(
    *, phone: str, student_no: str, id_last6: str, new_password: str, address: str | None
) -> User:
    """Set a parent's new password after checking phone, child's student number and ID last six.

    Raises LockedOut after too many failures, Invalid for a password the validators refuse (no
    identity is checked then), and ParentResetFailed — one generic message — for any mismatch.
    """
    phone = normalise_mobile(phone)[:150]
    student_no = normalise(student_no)[:32]
    id_last6 = normalise(id_last6).upper()[:6]
    parent = None
    if is_mobile(phone):
        parent = User.objects.filter(phone_hash=crypto.lookup_hash(phone), is_active=True).first()
    check_lockout(phone, address, parent)
    try:
        password_validation.validate_password(new_password or "")
    except ValidationError as exc:
        raise Invalid(" ".join(str(m) for m in exc.messages), field="new_password") from None
    student = _matching_child(parent, student_no, id_last6)
    with transaction.atomic():
        LoginAttempt.objects.create(
            identifier=phone, address=address, user=parent, success=student is not None
        )
        if student is not None and parent is not None:
            parent.set_password(new_password)
            parent.must_change_password = False
            parent.password_changed_at = timezone.now()
            parent.save(update_fields=["password", "must_change_password", "password_changed_at"])
            parent.api_tokens.update(revoked=True)
            audit.record(
                parent, "auth.parent_password_reset", parent, unit=student.unit, after={"student": student.pk}
            )
    if student is None or parent is None:  # raised after commit: the failed attempt must be counted
        raise ParentResetFailed(str(PARENT_RESET_FAILED))
    return parent
