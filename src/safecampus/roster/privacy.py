"""Showing masked personal data (DESIGN invariant 6): for roles that need it, always audited.

ID-card, student and phone numbers are masked everywhere (a national student number is often
"G" + the ID-card number). `reveal` returns the clear value of one field
to user managers of the object's unit — school administrators and principals, bureau
administrators and safety officers above — and records a `privacy.revealed` event each time.
Teachers, guards, parents and everyone else are refused.

Fields: a person (`User`): `phone`, `id_card`; a student: `id_card`, `student_no`,
`guardian_phone:<user id>`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from .models import Guardian, Student

REVEALED = "privacy.revealed"
USER_FIELDS = ("phone", "id_card")
STUDENT_FIELDS = ("id_card", "student_no")
GUARDIAN_PHONE = "guardian_phone:"


def _person_units(person: User) -> list[Unit]:
    memberships = list(person.memberships.filter(is_active=True).select_related("unit"))
    if not memberships:
        memberships = list(person.memberships.select_related("unit"))
    return [m.unit for m in memberships]


def reveal_unit(actor: Any, obj: Student | User) -> Unit | None:
    """The unit at which the actor may reveal the object's data (None: not allowed)."""
    if isinstance(obj, Student):
        return obj.unit if has_perm_at(actor, Perm.MANAGE_USERS, obj.unit) else None
    if isinstance(obj, User):
        return next((u for u in _person_units(obj) if has_perm_at(actor, Perm.MANAGE_USERS, u)), None)
    return None


def can_reveal(actor: Any, obj: Student | User) -> bool:
    return reveal_unit(actor, obj) is not None


def _student_value(student: Student, field: str) -> str:
    if field in STUDENT_FIELDS:
        return getattr(student, field)
    if field.startswith(GUARDIAN_PHONE):
        parent_id = field.removeprefix(GUARDIAN_PHONE)
        link = None
        if parent_id.isdigit():
            link = Guardian.objects.filter(student=student, parent_id=int(parent_id)).select_related("parent")
            link = link.first()
        if link is None:
            raise Invalid(_("This person is not a guardian of the student."))
        return link.parent.phone
    raise Invalid(_("This field cannot be shown."))


def _user_value(person: User, field: str) -> str:
    if field not in USER_FIELDS:
        raise Invalid(_("This field cannot be shown."))
    return person.phone if field == "phone" else person.id_card


@transaction.atomic
def reveal(field: str, obj: Student | User, *, actor: Any) -> str:
    """The clear value of one masked field; writes a `privacy.revealed` event every time."""
    unit = reveal_unit(actor, obj)
    if unit is None:
        raise PermissionDenied("privacy.reveal")
    value = _student_value(obj, field) if isinstance(obj, Student) else _user_value(obj, field)
    audit.record(actor, REVEALED, obj, unit=unit, after={"field": field})
    return value
