"""Background jobs of duty rosters (Huey): shifts not taken over, every five minutes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def duty_shifts_missed() -> int:
    """Every 5 minutes: planned shifts past start + grace are marked not taken over (and alerted)."""
    from .missed import mark_missed

    return mark_missed()
