"""Reconciling and rebuilding the hazard statistics (the engine's, for the hazard roll-up)."""

from __future__ import annotations

from safecampus.core.rollups.recount import Drift

from .rollup import HAZARD_TOTALS, HAZARDS


def reconcile() -> Drift:
    """Fold what is pending, then compare every cell (fine and coarse) with the recount from the
    hazards."""
    fine = HAZARDS.reconcile()
    coarse = HAZARD_TOTALS.reconcile()
    return fine if not fine.clean or coarse.clean else coarse


def rebuild() -> None:
    """Replace every cell by the recount."""
    HAZARDS.rebuild()
    HAZARD_TOTALS.rebuild()
