"""Background jobs of the hazard loop (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="5"))
def hazard_deadlines() -> tuple[int, int]:
    """Every hour: remind rectifiers of near deadlines and escalate overdue hazards (idempotent)."""
    from .escalation import run

    result = run()
    return result.reminded, result.escalated


@db_task()
def hazard_stats_rollup() -> int:
    from .rollup import apply_pending

    return apply_pending()


def schedule_rollup() -> None:
    """After a commit that wrote hazard deltas: fold them in about a second (at most one job a
    second from each process; the periodic job catches anything left)."""
    from django.core.cache import cache
    from huey.contrib.djhuey import HUEY

    from .rollup import apply_pending

    if HUEY.immediate:
        apply_pending()
    elif cache.add("hazards:rollup-scheduled", 1, timeout=1):
        hazard_stats_rollup.schedule(delay=1)


@db_periodic_task(crontab(minute="*"))
def hazard_stats_rollup_periodic() -> int:
    from .rollup import apply_pending

    return apply_pending()


@db_task()
def hazard_stats_rebuild() -> None:
    from .recount import rebuild

    rebuild()


@db_periodic_task(crontab(hour="2", minute="40"))
def hazard_stats_nightly_reconcile() -> dict:
    """Every night: recount the hazard statistics from the hazards and report any drift."""
    from .recount import reconcile

    return reconcile().as_dict()


@db_periodic_task(crontab(minute="25"))
def hazard_kept_photos_clean_up() -> int:
    """Every hour: delete photos kept for report forms that were never sent again."""
    from .pending import clean_up

    return clean_up()
