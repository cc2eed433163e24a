"""Background jobs of the core (found by `run_huey`): the roll-up engine's and the rendering of
documents."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .rollups.jobs import fold_periodic, fold_task, nightly_reconcile  # noqa: F401


@db_task()
def render_job_task(job_id: int) -> str:
    from .render_jobs import run

    return run(job_id)


@db_periodic_task(crontab(minute="40"))
def prune_render_jobs() -> int:
    from .render_jobs import prune

    return prune()
