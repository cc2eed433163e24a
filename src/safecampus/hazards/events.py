"""The hazard loop's domain events (`hazard.reported`, `hazard.closed`) for webhooks.

The payload names the school, the category, grade, status and the page; the description and the
location stay in the system (they may name people)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safecampus.core import events

from .models import Hazard, Status

REPORTED = "hazard.reported"
CLOSED = "hazard.closed"

events.declare(REPORTED, _("Hazard reported"))
events.declare(CLOSED, _("Hazard closed"))


def payload(hazard: Hazard) -> dict[str, Any]:
    return {
        "id": hazard.pk,
        "unit": hazard.unit.code,
        "unit_name": hazard.unit.name,
        "source": hazard.source,
        "category": hazard.category,
        "grade": hazard.grade,
        "status": hazard.status,
        "reported_at": hazard.reported_at.isoformat(),
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "closed_at": hazard.closed_at.isoformat() if hazard.closed_at else None,
        "url": reverse("hazards:detail", args=[hazard.pk]),
    }


def reported(hazard: Hazard) -> None:
    """Call inside the reporting transaction."""
    events.emit(REPORTED, hazard.unit, payload(hazard))


def changed(hazard: Hazard) -> None:
    """Call inside the transaction of an action, with the hazard as it now is."""
    if hazard.status == Status.CLOSED:
        events.emit(CLOSED, hazard.unit, payload(hazard))
