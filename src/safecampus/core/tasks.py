"""Background jobs of the core (found by `run_huey`): the roll-up engine's."""

from .rollups.jobs import fold_periodic, fold_task, nightly_reconcile  # noqa: F401
