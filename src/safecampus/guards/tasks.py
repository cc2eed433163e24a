"""Background jobs of the guard register (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="0", minute="10"))
def guards_certificates_lapsed() -> int:
    """Every night: tell `staffing_changed` listeners about schools whose guards' certificates
    lapsed (a date passing changes the certified count without a write)."""
    from .signals import certificates_lapsed

    return certificates_lapsed()
