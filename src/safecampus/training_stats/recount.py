"""Reconciling and rebuilding the training statistics: the engine's, for the `training` roll-up
(cells from `training.LearningDay` and `Participation`) and `training_targets` (target cells
from each unit's own people, which are themselves checked against the roster)."""

from __future__ import annotations

from safecampus.core.rollups.recount import Reconciliation

from .rollup import TARGETS, TRAINING


def reconcile(*, own: bool = True) -> Reconciliation:
    """Fold what is pending, then compare every cell and target cell with the recount (and, with
    `own`, every unit's own people with the roster)."""
    return Reconciliation([TRAINING.reconcile(), TARGETS.reconcile(check=own)])


def rebuild() -> None:
    """Replace every cell and target cell by the recount from the facts."""
    TRAINING.rebuild()
    TARGETS.rebuild()
