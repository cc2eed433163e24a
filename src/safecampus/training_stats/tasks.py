"""Background jobs of the training statistics (Huey); folding and reconciling are the roll-up
engine's (`core.rollups.jobs`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import targets


@db_task()
def refresh_targets(unit_ids: list[int]) -> int:
    return targets.refresh_units(unit_ids)


@db_periodic_task(crontab(hour="2", minute="10"))
def nightly_targets() -> int:
    """Refresh every unit's targets (the school year may have turned) before the engine's
    nightly reconcile."""
    return targets.refresh_all()


@db_periodic_task(crontab(day_of_week="1", hour="8", minute="30"))
def weekly_training_reminders() -> int:
    """Monday morning: remind those behind on training, school by school (idempotent per week)."""
    from .reminders import remind_all

    return remind_all()
