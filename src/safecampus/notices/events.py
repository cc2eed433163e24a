"""The notices' domain events (`notice.published`, `notice.reminder`) for webhooks.

The payload names the sender's unit, the notice's kind, confirmation mode, deadline, the units
addressed and the page; for a reminder, the class and how many families were reminded — never
the families' names (an operator's SMS gateway looks recipients up on its side)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import events

from .models import Notice

PUBLISHED = "notice.published"
REMINDER = "notice.reminder"

events.declare(PUBLISHED, _("Notice published"))
events.declare(REMINDER, _("Notice reminder"))


def payload(notice: Notice) -> dict[str, Any]:
    aud = notice.audience or {}
    return {
        "id": notice.pk,
        "unit": notice.unit.code,
        "unit_name": notice.unit.name,
        "title": notice.title,
        "kind": notice.kind,
        "confirm": notice.confirm,
        "version": notice.version,
        "deadline": notice.deadline.isoformat() if notice.deadline else None,
        "ack_hours": notice.ack_hours,
        "audience": {
            k: aud.get(k) for k in ("units", "roles", "school_types", "grades", "parents", "students")
        },
        "published_at": notice.published_at.isoformat() if notice.published_at else None,
        "url": reverse("notices:detail", args=[notice.pk]),
    }


def published(notice: Notice) -> None:
    """Call inside the publishing transaction."""
    events.emit(PUBLISHED, notice.unit, payload(notice))


def reminded(notice: Notice, *, school_class: Any, families: int) -> None:
    """Call inside the reminding transaction."""
    data = payload(notice)
    data.update({"class_id": school_class.pk, "school": school_class.unit.code, "families": families})
    events.emit(REMINDER, school_class.unit, data)
