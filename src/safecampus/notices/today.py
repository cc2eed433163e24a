"""The notices' "today" cards: the reader's unread notices (every role), and the drafts the warning
calendar proposes now to those who send notices."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecampus.core import nav, today
from safecampus.core.roles import Perm

from . import calendar
from .queries import inbox


def unread(user: Any, active: Any) -> int:
    return today.shared("notices.inbox", lambda: sum(1 for i in inbox(user) if i.unread))


def proposed(user: Any, active: Any) -> int:
    return len(calendar.proposals_for(user))


def register() -> None:
    today.register(
        today.Card("notices.unread", _("Unread notices"), "notices:inbox", unread, None, "megaphone", 5),
        today.Card(
            "notices.proposed",
            _("Seasonal warnings to send"),
            "notices:calendar",
            proposed,
            nav.staff_with(Perm.SEND_NOTICES),
            "calendar2-event",
            45,
        ),
    )
