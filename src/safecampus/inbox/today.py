"""The inbox's "today" card: unread notices."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecampus.core import today

from .models import Notification


def unread(user: Any, active: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()


def register() -> None:
    today.register(today.Card("inbox.unread", _("Unread notices"), "inbox:inbox", unread, None, "bell", 40))
