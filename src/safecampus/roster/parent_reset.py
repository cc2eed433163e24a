"""A parent who forgot their password gets a reset code from the school.

The head teacher of one of their children's classes (or an assistant of it), or the school's
administrator or principal, issues a single-use code (shown once on a slip, stored hashed,
valid `PARENT_RESET_CODE_HOURS`, 24 h by default; a newer code replaces an older one). The
parent then enters their mobile number, the code and a new password on the public page
`/accounts/parent-reset/`. Nothing the parent could look up (student number, ID card) proves
who they are any more. Every attempt counts toward the sign-in lock-out, failures never say
which detail was wrong, and both the issue and the use are audit events.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.accounts.auth import random_characters
from safecampus.accounts.models import PasswordResetCode, User
from safecampus.accounts.throttle import attempt_succeeded, begin_attempt
from safecampus.core import audit, crypto
from safecampus.core.access import member_units
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.roles import Perm, Role
from safecampus.core.validators import is_mobile, normalise_mobile

from .accounts import is_class_teacher
from .models import Student

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper
CODE_LENGTH = 8  # 40 bits; with the lock-out (5 tries per 15 minutes) out of reach of guessing

PARENT_RESET_FAILED = gettext_lazy(
    "The mobile number or the reset code is not correct, or the code has expired or was used. "
    "Please check them, or ask your child's head teacher for a new code."
)


class ParentResetFailed(DomainError):
    status = 400


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once: "ABCD-EFGH"
    parent: User
    student: Student
    expires_at: dt.datetime


def _manages_school(actor: Any, student: Student) -> bool:
    """A school administrator or principal of the child's own school (not a bureau above it:
    the code is handed over in person, by the school)."""
    return any(u.pk == student.unit_id for u in member_units(actor, Perm.MANAGE_USERS))


def can_issue_reset_code(actor: Any, student: Student) -> bool:
    return _manages_school(actor, student) or is_class_teacher(actor, student)


def issuable_child(actor: Any, parent: User, student_id: int | None = None) -> Student:
    """The child (visible to the actor) through whom the actor may issue the parent a code.

    Http404 when the actor sees no child of this parent (outsiders: "not found" alike for missing
    and not yours); PermissionDenied when they see one but may not issue."""
    children = (
        Student.objects.visible_to(actor)
        .filter(guardians__parent=parent)
        .select_related("unit", "school_class")
        .order_by("pk")
    )
    if student_id is not None:
        children = children.filter(pk=student_id)
    seen = list(children)
    if not seen:
        raise Http404
    for child in seen:
        if can_issue_reset_code(actor, child):
            return child
    raise PermissionDenied("roster.issue_reset_code")


def _parent_only(user: User) -> bool:
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    return roles == {Role.PARENT}


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def clean_code(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(text or "").upper())[:CODE_LENGTH]


@transaction.atomic
def issue_parent_reset_code(parent: User, *, actor: Any, student_id: int | None = None) -> IssuedCode:
    """A new single-use code for the parent (the only copy is in the answer); older live codes
    of the parent stop working. Raises Http404 / PermissionDenied (see
    `issuable_child`) and Invalid for an account that is more than a parent's."""
    student = issuable_child(actor, parent, student_id)
    parent = User.objects.select_for_update().get(pk=parent.pk)
    if not _parent_only(parent) or not parent.is_active:
        raise Invalid(
            _("This account is not only a parent's: its managers reset its password on the People page.")
        )
    now = timezone.now()
    PasswordResetCode.objects.filter(user=parent, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = "".join(random_characters(CODE_ALPHABET, CODE_LENGTH))
    row = PasswordResetCode.objects.create(
        user=parent,
        code_hash=make_password(code),
        unit=student.unit,
        issued_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.PARENT_RESET_CODE_HOURS),
    )
    audit.record(
        actor,
        "auth.reset_code_issued",
        parent,
        unit=student.unit,
        after={"student": student.pk, "code": row.pk, "expires_at": row.expires_at.isoformat()},
    )
    return IssuedCode(format_code(code), parent, student, row.expires_at)


@cache
def _decoy_hash() -> str:
    return make_password("decoy-reset-code")


def _live_code(parent: User | None, code: str) -> PasswordResetCode | None:
    """The parent's unused, unexpired code matching `code`; the same hashing work when there is none."""
    rows = []
    if parent is not None and len(code) == CODE_LENGTH:
        rows = list(
            PasswordResetCode.objects.filter(user=parent, used_at__isnull=True, expires_at__gt=timezone.now())
        )
    if not rows:
        check_password(code, _decoy_hash())
        return None
    return next((row for row in rows if check_password(code, row.code_hash)), None)


def reset_parent_password(*, phone: str, code: str, new_password: str, address: str | None) -> User:
    """Set a parent's new password after checking their mobile number and a live reset code.

    Raises Invalid for a password the validators refuse (nothing is checked or counted then),
    LockedOut after too many failures, and ParentResetFailed — one message — for any mismatch."""
    phone = normalise_mobile(phone)[:150]
    code = clean_code(code)
    parent = None
    if is_mobile(phone):
        parent = User.objects.filter(phone_hash=crypto.lookup_hash(phone), is_active=True).first()
    try:
        password_validation.validate_password(new_password or "")  # the same for every phone
    except ValidationError as exc:
        raise Invalid(" ".join(str(m) for m in exc.messages), field="new_password") from None
    attempt = begin_attempt(phone, address, parent)
    found = _live_code(parent, code)
    if found is None or parent is None or not _parent_only(parent):
        raise ParentResetFailed(str(PARENT_RESET_FAILED))
    with transaction.atomic():
        now = timezone.now()
        if not PasswordResetCode.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now):
            raise ParentResetFailed(str(PARENT_RESET_FAILED))  # used by a request just before this one
        attempt_succeeded(attempt)
        parent.set_password(new_password)
        parent.must_change_password = False
        parent.password_changed_at = now
        parent.save(update_fields=["password", "must_change_password", "password_changed_at"])
        parent.api_tokens.update(revoked=True)
        audit.record(
            parent,
            "auth.parent_password_reset",
            parent,
            unit=found.unit,
            after={"code": found.pk, "issued_by": found.issued_by.username if found.issued_by else ""},
        )
    return parent
