"""Statistics hook of check tasks: called after every change of a task's status (and for each new
task with `before` None). `before` is the snapshot {"status", "on_time", "failed_items",
"hazards_raised", "due_at"} of the task before the change."""

from __future__ import annotations

from typing import Any


def changed(before: dict | None, task: Any) -> None:
    """Statistics hook (filled by the statistics slice)."""
