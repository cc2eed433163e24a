"""Background jobs of risk grading (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="7", minute="40"))
def daily_review_reminders() -> int:
    """Each morning: remind those whose risk points are due (or overdue) for review."""
    from .reminders import remind_reviews

    return remind_reviews()
