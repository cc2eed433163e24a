"""The gate log of one school and day, gathered from every gate module.

Visitors contribute their check-ins and check-outs; pupils' exit passes (exits) and pickups
(pickups) register their own sources in their AppConfig.ready(). The desk page, the log page, its
Excel export and ``GET /api/v1/gate/log`` read only through :func:`entries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from safecampus.accounts.models import User
from safecampus.core.models import Unit


@dataclass(frozen=True)
class LogEntry:
    at: datetime  # aware
    kind: str  # "visit", "exit", "return", "pickup" … (stable, for the API)
    kind_label: str  # translated, for pages and the export
    who: str  # the person passing, masked where personal (visitor's name, pupil's name)
    detail: str  # purpose, reason, pickup person …
    direction: str  # "in", "out" or ""
    url: str | None = None  # the record's page, for users who may open it


Source = Callable[[User, Unit, date], Iterable[LogEntry]]
_SOURCES: list[Source] = []


def register(source: Source) -> None:
    """Add a source of gate-log entries (idempotent)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def entries(user: User, school: Unit, day: date) -> list[LogEntry]:
    """Every source's entries for ``school`` on ``day``, oldest first.

    Callers have already checked that ``user`` may view the school's gate (VIEW_GATE at it)."""
    rows = [entry for source in _SOURCES for entry in source(user, school, day)]
    return sorted(rows, key=lambda e: e.at)
