"""Background jobs of the patrols (Huey)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="20", minute="10"))
def patrol_rounds_tomorrow() -> int:
    """Every evening: every active route's rounds of tomorrow (idempotent, in bulk)."""
    from .rounds import ensure_all

    return ensure_all(timezone.localdate() + dt.timedelta(days=1))


@db_periodic_task(crontab(minute="*/5"))
def patrol_rounds_lapse() -> int:
    """Every five minutes: open rounds past their due end become incomplete or missed."""
    from .rounds import lapse_due

    return lapse_due()
