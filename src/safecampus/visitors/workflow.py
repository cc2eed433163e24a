"""A visit's status, in one table: who may move it from where to where.

A host's pre-registration starts approved; a visitor's booking starts pending until the host
approves or declines it; a walk-in registered at the gate starts inside. The guard checks an
approved visitor in and an inside visitor out.
"""

from __future__ import annotations

from safecampus.core.roles import Perm

from .models import VisitStatus as S

TRANSITIONS = {
    # action:     (from states,              to state,     permission)
    "approve": ({S.PENDING}, S.APPROVED, Perm.HOST_VISITS),
    "decline": ({S.PENDING}, S.DECLINED, Perm.HOST_VISITS),
    "cancel": ({S.PENDING, S.APPROVED}, S.CANCELLED, Perm.HOST_VISITS),
    "check_in": ({S.APPROVED}, S.INSIDE, Perm.WORK_GATE),
    "check_out": ({S.INSIDE}, S.LEFT, Perm.WORK_GATE),
}

# Where each way of registering a visit starts.
START = {"host": S.APPROVED, "booking": S.PENDING, "walk_in": S.INSIDE}

# Visits still to come at the gate (expected today), and those inside.
EXPECTED = (S.APPROVED, S.PENDING)
OPEN = (S.PENDING, S.APPROVED, S.INSIDE)
