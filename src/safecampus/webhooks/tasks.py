"""Background jobs of the webhooks: an event's first attempts, and the sweep for retries."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver(delivery_id: int) -> str | None:
    from .services import attempt

    return attempt(delivery_id)


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    """Every minute: attempt the deliveries whose retry is due (and any first attempt lost)."""
    from .services import attempt, due

    ids = due()
    for pk in ids:
        attempt(pk)
    return len(ids)


def schedule_first_attempts(delivery_ids: list[int]) -> None:
    """Hand the first attempts to the queue (a second later: never inside the publisher's request)."""
    for pk in delivery_ids:
        deliver.schedule(args=(pk,), delay=1)
