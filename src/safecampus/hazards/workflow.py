"""The hazard closed loop as one transition table, and who may take each action.

`TRANSITIONS` says from which statuses an action leads where and which permission it needs at
the hazard's school. `refusal()` adds the rules about persons: only the named rectifier starts
and submits; the verifier is never the rectifier; a major hazard is verified (accepted) by the
bureau; an on-the-spot fix is for general hazards, by its finder or a hazard manager.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.errors import Conflict, Invalid
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from .models import Grade, Hazard, Status

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action: (from statuses, to status, permission at the school)
    "confirm": (frozenset({Status.REPORTED}), Status.CONFIRMED, Perm.MANAGE_HAZARDS),
    "reject": (frozenset({Status.REPORTED}), Status.REJECTED, Perm.MANAGE_HAZARDS),
    "assign": (
        frozenset({Status.CONFIRMED, Status.ASSIGNED, Status.RECTIFYING}),
        Status.ASSIGNED,
        Perm.MANAGE_HAZARDS,
    ),
    "start": (frozenset({Status.ASSIGNED}), Status.RECTIFYING, Perm.RECTIFY_HAZARDS),
    "submit": (frozenset({Status.RECTIFYING}), Status.SUBMITTED, Perm.RECTIFY_HAZARDS),
    "verify": (frozenset({Status.SUBMITTED}), Status.CLOSED, Perm.VERIFY_HAZARDS),
    "send_back": (frozenset({Status.SUBMITTED}), Status.RECTIFYING, Perm.VERIFY_HAZARDS),
    "close_on_spot": (frozenset({Status.REPORTED}), Status.CLOSED, Perm.REPORT_HAZARDS),
}
ACTIONS = tuple(TRANSITIONS)

VERBS = {action: f"hazard.{action}" for action in ACTIONS}

ACTION_LABELS = {
    "confirm": gettext_lazy("Confirm"),
    "reject": gettext_lazy("Not a hazard"),
    "assign": gettext_lazy("Assign"),
    "start": gettext_lazy("Start rectifying"),
    "submit": gettext_lazy("Submit for verification"),
    "verify": gettext_lazy("Verify and close"),
    "send_back": gettext_lazy("Send back"),
    "close_on_spot": gettext_lazy("Fixed on the spot"),
}


def permission_for(action: str, hazard: Hazard) -> str:
    """The permission the action needs for this hazard (a major hazard is closed by the bureau)."""
    perm = TRANSITIONS[action][2]
    if action in ("verify", "send_back") and hazard.grade == Grade.MAJOR:
        return Perm.ACCEPT_HAZARDS
    return perm


def state_allows(action: str, status: str) -> bool:
    return action in TRANSITIONS and status in TRANSITIONS[action][0]


class Refused(PermissionDenied):
    """The actor may not take the action (403); `message` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(actor: Any, action: str, hazard: Hazard) -> None:
    """Raise unless `actor` may take `action` on `hazard` as it is now: `Invalid` for an unknown
    action, `Conflict` (409) when the status does not allow it or the hazard's grade forbids it,
    `Refused` (403) when the person may not."""
    if action not in TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    if not state_allows(action, hazard.status):
        raise Conflict(
            _("This hazard is %(status)s: “%(action)s” is not possible now.")
            % {"status": Status(hazard.status).label, "action": ACTION_LABELS[action]}
        )
    is_rectifier = hazard.rectifier_id is not None and hazard.rectifier_id == getattr(actor, "pk", None)
    if action in ("verify", "send_back") and is_rectifier:
        raise Refused(_("The rectifier cannot verify their own rectification."))
    if not has_perm_at(actor, permission_for(action, hazard), hazard.unit):
        raise Refused(_("You may not do this."))
    if action in ("start", "submit") and not is_rectifier:
        raise Refused(_("Only the rectifier named for this hazard may do this."))
    if action == "close_on_spot":
        is_finder = hazard.reported_by_id == getattr(actor, "pk", None)
        if not (is_finder or has_perm_at(actor, Perm.MANAGE_HAZARDS, hazard.unit)):
            raise Refused(
                _("Only the finder or the school's safety managers may close a hazard on the spot.")
            )
        if hazard.grade == Grade.MAJOR:
            raise Conflict(_("A major hazard cannot be closed on the spot."))


def allowed_actions(actor: Any, hazard: Hazard) -> list[str]:
    """Actions the actor may take now (for buttons and the API's `actions` field)."""
    out = []
    for action in ACTIONS:
        try:
            check(actor, action, hazard)
        except (Conflict, Refused, Invalid):
            continue
        out.append(action)
    return out
