"""Background jobs of the hazard loop (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"))
def hazard_deadlines() -> tuple[int, int]:
    """Every hour: remind rectifiers of near deadlines and escalate overdue hazards (idempotent)."""
    from .escalation import run

    result = run()
    return result.reminded, result.escalated
