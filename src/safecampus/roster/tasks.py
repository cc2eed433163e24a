"""Background jobs for the roster (Huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import batches


@db_task()
def apply_import_batch(batch_id: int, actor_id: int) -> None:
    """Apply a checked import batch; progress goes to Huey's storage, the end to the batch row."""
    batches.run_apply(batch_id, actor_id)
