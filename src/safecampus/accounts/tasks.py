"""Background jobs for accounts (Huey)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .models import ApiToken, LoginAttempt, LoginThrottle

LOGIN_ATTEMPT_RETENTION_DAYS = 180


def purge_expired() -> dict[str, int]:
    """Drop expired API tokens, login attempts past retention and old lock rows. Idempotent."""
    now = timezone.now()
    tokens, _ = ApiToken.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()
    attempts, _ = LoginAttempt.objects.filter(
        at__lt=now - dt.timedelta(days=LOGIN_ATTEMPT_RETENTION_DAYS)
    ).delete()
    # Lock rows only serialise attempts; they are made again on demand.
    throttles, _ = LoginThrottle.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return {"tokens": tokens, "attempts": attempts, "throttles": throttles}


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_expired_daily() -> dict[str, int]:
    return purge_expired()
