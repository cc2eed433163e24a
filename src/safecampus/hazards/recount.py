"""Reconciling and rebuilding the hazard statistics (the engine's, for the hazard roll-up)."""

from __future__ import annotations

from safecampus.core.rollups.recount import Drift

from .rollup import HAZARDS


def reconcile() -> Drift:
    """Fold what is pending, then compare every cell with the recount from the hazards."""
    return HAZARDS.reconcile()


def rebuild() -> None:
    """Replace every cell by the recount."""
    HAZARDS.rebuild()
