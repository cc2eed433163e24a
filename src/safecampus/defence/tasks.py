"""Background jobs of the defence register (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="6", minute="20"))
def defence_shortfalls() -> int:
    """Every morning: kinds below the policy's minimum at a school become hazards."""
    from .shortfall import report_all

    return report_all()
