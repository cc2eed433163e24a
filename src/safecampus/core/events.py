"""Domain events other systems can subscribe to (the webhooks app delivers them).

A module declares its event types once (`declare`) and emits inside the transaction of the change
(`emit`); listeners of `domain_event` hear it only once that transaction has committed, so a rolled
back change never goes out. Payloads carry codes, statuses and links, never personal data of
minors.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import Unit

# Sent on commit with `event` (an Event).
domain_event = Signal()

_TYPES: dict[str, Any] = {}


@dataclass(frozen=True)
class Event:
    type: str
    unit: Unit
    data: dict[str, Any]
    id: str = field(default_factory=lambda: f"msg_{uuid.uuid4().hex}")
    at: Any = field(default_factory=timezone.now)


def declare(event_type: str, label: Any) -> None:
    """Make an event type known (its translated label is shown where endpoints pick events)."""
    _TYPES[event_type] = label


def types() -> dict[str, Any]:
    """Every declared event type with its label, in the order declared."""
    return dict(_TYPES)


def emit(event_type: str, unit: Unit, data: dict[str, Any]) -> Event:
    """Announce an event of ``unit`` once the current transaction commits."""
    if event_type not in _TYPES:
        raise ValueError(f"undeclared event type {event_type!r}")
    event = Event(event_type, unit, data)
    transaction.on_commit(lambda: domain_event.send(sender=Event, event=event))
    return event
