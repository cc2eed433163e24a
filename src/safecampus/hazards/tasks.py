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


@db_periodic_task(crontab(minute="25"))
def hazard_kept_photos_clean_up() -> int:
    """Every hour: delete photos kept for report forms that were never sent again."""
    from .pending import clean_up

    return clean_up()
