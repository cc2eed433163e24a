"""A pass's status, in one table. Who may take each action (`exits.services.may`):

- ``approve``/``decline``: the head teacher of the pupil's class (SchoolClass.head_teacher);
- ``cancel``: whoever asked for the pass, or the class's head teacher;
- ``exit``/``return``: a gate worker (Perm.WORK_GATE) of the pupil's school, at the gate.

"expired" is not in the table: a pending or approved pass whose window has passed reads as expired
(`exits.status.effective`) and no action but none applies to it.
"""

from __future__ import annotations

from .models import ExitStatus as S

HEAD_TEACHER = "head_teacher"
REQUESTER = "requester_or_head_teacher"
GATE = "gate"

TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action:   (from states,                         to state,      who)
    "approve": (frozenset({S.PENDING}), S.APPROVED, HEAD_TEACHER),
    "decline": (frozenset({S.PENDING}), S.DECLINED, HEAD_TEACHER),
    "cancel": (frozenset({S.PENDING, S.APPROVED}), S.CANCELLED, REQUESTER),
    "exit": (frozenset({S.APPROVED}), S.OUT, GATE),
    "return": (frozenset({S.OUT}), S.RETURNED, GATE),
}

# Actions that only make sense inside the window (before `window_until`).
IN_WINDOW = frozenset({"approve", "exit"})
