"""Training statistics' "today" card for bureaus: the child units (a county's schools, a city's
counties) whose participation in the latest campaign is below the policy's rate — from the
roll-up cells, one grouped read for the area's children."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm

from .pages import Ask, resolve_query


def _ask(user: Any) -> Ask | None:
    """The bureau's own statistics question (its unit, latest campaign), once per `cards_for`."""
    return today.shared(f"training.ask.{user.pk}", lambda: _resolve(user))


def _resolve(user: Any) -> Ask | None:
    unit = access.home_unit(user, Perm.VIEW_TRAINING)
    if unit is None or not unit.is_bureau:
        return None
    try:
        ask = resolve_query(user, {"unit": unit.code})
    except Http404:
        return None
    return ask if ask.scope is not None else None


def behind_count(user: Any, active: Any) -> int:
    from .views import child_rows

    ask = _ask(user)
    if ask is None:
        return 0
    below = float(policy_for(ask.place.unit).training["behind_participation_rate"])
    rows = child_rows(ask, "name", links=False)
    return sum(1 for r in rows if r["f"].participation_rate is not None and r["f"].participation_rate < below)


def behind_url(user: Any, active: Any) -> str:
    ask = _ask(user)
    base = reverse("stats:dashboard")
    return f"{base}?{ask.query()}&sort=participation_rate" if ask is not None else base


def is_bureau_viewer(user: Any, active: Any) -> bool:
    return (
        active is not None
        and active.unit.is_bureau
        and access.holds_at(user, Perm.VIEW_TRAINING, active.unit)
    )


def register() -> None:
    today.register(
        today.Card("training.units_behind", _("Units behind on training"), behind_url, behind_count,
                   is_bureau_viewer, "graph-down-arrow", 25),
    )  # fmt: skip
