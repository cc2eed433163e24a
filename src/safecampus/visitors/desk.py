"""One code box at the gate desk: a scanned or typed pass code goes to the record it belongs to.

Visits answer first; pupils' exit passes and other gate modules register a lookup in their
AppConfig.ready(). A lookup answers the URL of the page where the guard acts on the code, or None
when the code is not one of its own (or not of this school)."""

from __future__ import annotations

from collections.abc import Callable

from safecampus.accounts.models import User
from safecampus.core.models import Unit

Lookup = Callable[[User, Unit, str], str | None]
_LOOKUPS: list[Lookup] = []


def register_lookup(lookup: Lookup) -> None:
    """Add a pass-code lookup (idempotent)."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)


def find(user: User, school: Unit, code: str) -> str | None:
    """The URL for ``code`` at ``school``, from the first lookup that knows it."""
    code = (code or "").strip()
    if not code:
        return None
    for lookup in _LOOKUPS:
        url = lookup(user, school, code)
        if url:
            return url
    return None
