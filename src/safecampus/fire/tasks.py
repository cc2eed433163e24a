"""Background jobs of the fire-equipment register (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="35"))
def fire_uploads_clean_up() -> int:
    """Every hour: delete photos uploaded for a check that never came."""
    from .checks import clean_up_uploads

    return clean_up_uploads()
