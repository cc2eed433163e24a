"""The head teacher's "today" card: exit requests waiting for their decision."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecampus.core import today
from safecampus.core.roles import Role

from .queries import to_approve


def _heads(user: Any, active: Any) -> bool:
    return active is not None and active.role == Role.HEAD_TEACHER


def register() -> None:
    today.register(
        today.Card(
            "exits.to_approve",
            _("Exit requests to approve"),
            "exits:home",
            lambda user, active: to_approve(user).count(),
            _heads,
            "box-arrow-right",
            30,
        ),
    )
