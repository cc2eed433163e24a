"""What check statistics are asked for, read once for the page, the export and the API: the
unit (through `core.places` with `checks.view` — 404 alike for missing and not yours) and the
month window (`from`, `to` as YYYY-MM; by default the current month)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core import access, months
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.months import label, this_month
from safecampus.core.places import Place, can_view_unit, default_place, place_for
from safecampus.core.roles import Perm, Role

PERM = Perm.VIEW_CHECKS


@dataclass(frozen=True)
class Months:
    start: int  # YYYYMM
    end: int

    @property
    def params(self) -> dict[str, str]:
        return {"from": label(self.start), "to": label(self.end)}


def place(user: Any, code: str | None) -> Place:
    """The unit named by `code`, or the user's own highest unit where they read checks."""
    if code:
        return place_for(user, code, perm=PERM)
    return default_place(user, PERM)


def may_view(user: Any, unit: Unit) -> bool:
    return can_view_unit(user, unit, PERM)


month = months.parse


def window(params: Mapping[str, Any], errors: list[str] | None = None) -> Months:
    """The months named by `from` and `to` (a missing one: the other, or the current month).
    Bad values raise `Invalid`, or — when `errors` is given (pages) — are reported there and
    the current month is used."""
    current = this_month()
    try:
        start, end = month(params.get("from"), "from"), month(params.get("to"), "to")
        if start and end and start > end:
            raise Invalid(_("The first month must not be after the last."), field="from")
    except Invalid as exc:
        if errors is None:
            raise
        errors.append(str(exc.message))
        return Months(current, current)
    if start is None:
        start = end if end is not None else current
    if end is None:
        end = max(start, current)
    return Months(start, end)


def child_units(unit: Unit) -> list[Unit]:
    """The unit's active child units (bureau departments left out): a county's schools."""
    from safecampus.core.ranking import child_units as children

    return children(unit)


MANAGERS = (Role.SCHOOL_ADMIN, Role.PRINCIPAL, Role.SAFETY_STAFF)


def stats_reader(user: Any, active: Any) -> bool:
    """Who sees the statistics entry: bureau people reading checks and school managers."""
    if active is None:
        return any(stats_reader(user, m) for m in access.memberships(user, PERM))
    if active.role in (Role.STUDENT, Role.PARENT):
        return False
    if active.unit.is_bureau:
        return access.holds_at(user, PERM, active.unit)
    return active.role in MANAGERS
