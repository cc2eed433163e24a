"""The one transition of an item's state: retire (scrapped, replaced, removed)."""

from __future__ import annotations

from .models import State
from .perms import MANAGE

# action: (allowed from, to, permission)
TRANSITIONS = {"retire": ((State.IN_SERVICE,), State.RETIRED, MANAGE)}
