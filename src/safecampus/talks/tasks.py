"""Background jobs of the 1530 register (Huey): the day's due talks settled every evening after
dismissal, and a nightly catch-up of the past week (a day already settled adds nothing)."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

CATCH_UP_DAYS = 7


# Huey reads crontabs in UTC: 10:20 UTC is 18:20 in Asia/Shanghai, 18:50 UTC is 02:50.
@db_periodic_task(crontab(hour="10", minute="20"))
def talks_settle_today() -> int:
    """Every evening, after dismissal: the talks due today for every class of every school."""
    from django.utils import timezone

    from .settle import settle

    return settle(timezone.localdate())


@db_periodic_task(crontab(hour="18", minute="50"))
def talks_settle_catch_up() -> int:
    """Every night: the past week again (a day missed by the evening job, a calendar changed)."""
    from django.utils import timezone

    from .settle import settle_range

    today = timezone.localdate()
    return settle_range(today - dt.timedelta(days=CATCH_UP_DAYS), today - dt.timedelta(days=1))
