"""Background jobs of checks (Huey): tomorrow's tasks every night, missed tasks every 5 minutes."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="10"))
def check_tasks_generate() -> int:
    """Every night: the tasks of tomorrow for every school (a second run creates nothing)."""
    from django.utils import timezone

    from .generate import generate

    return generate(timezone.localdate() + dt.timedelta(days=1))


@db_periodic_task(crontab(minute="*/5"))
def check_tasks_missed() -> int:
    """Every 5 minutes: open tasks past their closing time become missed."""
    from .taskstate import mark_missed

    return mark_missed()
