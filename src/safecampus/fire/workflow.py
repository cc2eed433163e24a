"""A device's state, in one table: registered devices may be retired (scrapped, removed)."""

from __future__ import annotations

from .models import State
from .perms import MANAGE

TRANSITIONS = {
    # action:  (from states,         to state,       permission)
    "retire": ({State.IN_SERVICE}, State.RETIRED, MANAGE),
}
