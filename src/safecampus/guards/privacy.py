"""A guard's masked ID-card number and mobile, shown on request to the school's managers
(`Perm.MANAGE_SECURITY` at the guard's school — not bureaus, which see counts), each showing a
`privacy.revealed` audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Invalid

from .models import Guard
from .services import MANAGE

REVEALED = "privacy.revealed"
FIELDS = ("id_number", "phone")
AUDIT_NAMES = {"id_number": "id_card", "phone": "phone"}


def can_reveal(actor: Any, guard: Guard) -> bool:
    return holds_at(actor, MANAGE, guard.unit)


@transaction.atomic
def reveal(field: str, guard: Guard, *, actor: Any) -> str:
    """The clear value of one masked field; writes an audit event every time."""
    if not can_reveal(actor, guard):
        raise PermissionDenied("guards.reveal")
    if field not in FIELDS:
        raise Invalid(_("This field cannot be shown."))
    # Named as the roster names them, so the timeline reads "ID-card number" / "Mobile number".
    audit.record(actor, REVEALED, guard, after={"field": AUDIT_NAMES[field]})
    return getattr(guard, field)
