"""The patrols' "today" cards: the guard's round open now, the safety office's lapsed rounds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core import today
from safecampus.core.roles import Role

from . import queries
from .perms import MANAGE


def register() -> None:
    today.register(
        today.Card("patrols.open_now", _("Patrol round open now"), "patrols:home", queries.open_round_count,
                   Role.GUARD, "signpost-split", 18),
        today.Card("patrols.incomplete_today", _("Patrol rounds incomplete today"), "patrols:home",
                   queries.incomplete_today_count, MANAGE, "exclamation-diamond", 19),
    )  # fmt: skip
