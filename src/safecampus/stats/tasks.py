"""Background jobs of the statistics (Huey)."""

from __future__ import annotations

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import recount, rollup, targets


@db_task()
def apply_pending() -> int:
    return rollup.apply_pending()


def schedule_rollup() -> None:
    """After a commit that wrote deltas: fold them in about a second (one job per second at most
    from each process; the periodic job catches anything left)."""
    if _immediate():
        rollup.apply_pending()
    elif cache.add("stats:rollup-scheduled", 1, timeout=1):
        apply_pending.schedule(delay=1)


def _immediate() -> bool:
    from huey.contrib.djhuey import HUEY

    return HUEY.immediate


@db_periodic_task(crontab(minute="*"))
def apply_pending_periodic() -> int:
    return rollup.apply_pending()


@db_task()
def refresh_targets(unit_ids: list[int]) -> int:
    return targets.refresh_units(unit_ids)


@db_task()
def rebuild_stats() -> None:
    recount.rebuild()


@db_periodic_task(crontab(hour="2", minute="20"))
def nightly_reconcile() -> dict:
    """Refresh every unit's targets (the school year may have turned) and report any drift."""
    targets.refresh_all()
    return recount.reconcile().as_dict()


@db_periodic_task(crontab(day_of_week="1", hour="8", minute="30"))
def weekly_training_reminders() -> int:
    """Monday morning: remind those behind on training, school by school (idempotent per week)."""
    from .reminders import remind_all

    return remind_all()
