"""The letter's life as one transition table: the school replies (again, after a return), the
bureau closes the letter or returns the reply for a better one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.errors import Conflict, Invalid
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.hazards.workflow import Refused

from .models import Letter, LetterStatus

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action: (from statuses, to status, permission at the school)
    "reply": (
        frozenset({LetterStatus.ISSUED, LetterStatus.RETURNED}),
        LetterStatus.REPLIED,
        Perm.MANAGE_HAZARDS,
    ),
    "close": (frozenset({LetterStatus.REPLIED}), LetterStatus.CLOSED, Perm.SUPERVISE_HAZARDS),
    "return": (frozenset({LetterStatus.REPLIED}), LetterStatus.RETURNED, Perm.SUPERVISE_HAZARDS),
}
ACTIONS = tuple(TRANSITIONS)
VERBS = {action: f"letter.{action}" for action in ACTIONS}
ACTION_LABELS = {
    "reply": gettext_lazy("Send the reply"),
    "close": gettext_lazy("Accept the reply and close"),
    "return": gettext_lazy("Return for a better reply"),
}


def check(actor: Any, action: str, letter: Letter) -> None:
    """`Invalid` for an unknown action, `Conflict` (409) when the status does not allow it,
    `Refused` (403) when the person may not take it."""
    if action not in TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    if letter.status not in TRANSITIONS[action][0]:
        raise Conflict(
            _("This letter is %(status)s: “%(action)s” is not possible now.")
            % {"status": LetterStatus(letter.status).label, "action": ACTION_LABELS[action]}
        )
    if not has_perm_at(actor, TRANSITIONS[action][2], letter.unit):
        raise Refused(_("You may not do this."))


def allowed_actions(actor: Any, letter: Letter) -> list[str]:
    out = []
    for action in ACTIONS:
        try:
            check(actor, action, letter)
        except (Conflict, Refused, Invalid):
            continue
        out.append(action)
    return out
