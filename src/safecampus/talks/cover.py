"""Who may record a class's 1530 talk: its current head teacher (or assistant) under the
head-teacher rule (`core.access.teaching()`: an active head-teacher role at the school and named
on the class — a teacher who left the class cannot), or anyone a registered cover rule allows.

The duty app registers "the teacher on duty covers the classes of the day":

    from safecampus.talks.cover import register
    register(lambda user, school_class, day: on_duty(user, school_class.unit, day))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from safecampus.core.access import teaching

CoverRule = Callable[[Any, Any, dt.date], bool]

_RULES: list[CoverRule] = []


def register(fn: CoverRule) -> None:
    """Add a cover rule `fn(user, school_class, day) -> bool` (idempotent)."""
    if fn not in _RULES:
        _RULES.append(fn)


def unregister(fn: CoverRule) -> None:
    if fn in _RULES:
        _RULES.remove(fn)


def covers(user: Any, school_class: Any, day: dt.date) -> bool:
    """Does a registered cover rule let `user` record for the class on `day`?"""
    return any(rule(user, school_class, day) for rule in _RULES)


def may_record(user: Any, school_class: Any, day: dt.date) -> bool:
    """The class's current head teacher, or a cover rule says so."""
    return teaching().teaches(user, school_class) or covers(user, school_class, day)
