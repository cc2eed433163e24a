"""The hazard loop's "today" cards: reports to confirm, rectifications to do and to verify,
overdue hazards of the reader's area."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core import access, today
from safecampus.core.roles import Perm

from . import queries
from .models import RUNNING_STATUSES, Hazard


def overdue_count(user: Any, active: Any) -> int:
    return (
        Hazard.objects.visible_to(user)
        .filter(status__in=RUNNING_STATUSES, deadline__lt=timezone.localdate())
        .count()
    )


def overdue_url(user: Any, active: Any) -> str:
    unit = access.home_unit(user, Perm.VIEW_HAZARDS)
    return reverse("hazards:overdue", args=[unit.pk]) if unit is not None else reverse("hazards:home")


def register() -> None:
    today.register(
        today.Card("hazards.to_confirm", _("Hazard reports to confirm"), "hazards:confirm",
                   lambda user, active: queries.to_confirm(user).count(), Perm.MANAGE_HAZARDS,
                   "clipboard-check", 10),
        today.Card("hazards.todo", _("Rectifications to do"), "hazards:todo",
                   lambda user, active: queries.todo_for(user).count(), Perm.VIEW_HAZARDS, "tools", 12),
        today.Card("hazards.to_verify", _("Rectifications to verify"), "hazards:verify",
                   lambda user, active: queries.verify_queue(user).count(),
                   (Perm.VERIFY_HAZARDS, Perm.ACCEPT_HAZARDS), "patch-check", 14),
        today.Card("hazards.overdue", _("Overdue hazards"), overdue_url, overdue_count, Perm.VIEW_HAZARDS,
                   "alarm", 16),
    )  # fmt: skip
