"""Supervision's "today" card: letters still open (awaiting the school's reply or a review)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecampus.core import today
from safecampus.core.roles import Perm

from .models import OPEN_LETTER_STATUSES, Letter


def open_letters(user: Any, active: Any) -> int:
    return Letter.objects.visible_to(user).filter(status__in=OPEN_LETTER_STATUSES).count()


def register() -> None:
    today.register(
        today.Card("supervision.open_letters", _("Open supervision letters"), "supervision:home",
                   open_letters,
                   (Perm.MANAGE_HAZARDS, Perm.SUPERVISE_HAZARDS), "envelope-exclamation", 30),
    )  # fmt: skip
