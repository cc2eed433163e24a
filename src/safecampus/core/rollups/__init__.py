"""The roll-up engine: statistics declared once per module, kept exact by the core.

A module declares a `Rollup` (its cell and delta models, keys, counters, facts and how a change
of a fact becomes deltas) and registers it; the engine writes the deltas in the change's
transaction, folds them exactly once, reads figures as cells + pending deltas, recounts,
reconciles (with a drift alarm) and rebuilds — the chains a unit move changes, a subtree, or
everything. See docs/rollups.md.
"""

from .declare import (
    STEP,
    Change,
    Node,
    Rollup,
    Total,
    Widen,
    ancestor_paths,
    get,
    register,
    registered,
    unit_ids_by_path,
)
from .fold import upsert_add
from .rates import percent, ratio

__all__ = [
    "STEP",
    "Change",
    "Node",
    "Rollup",
    "Total",
    "Widen",
    "ancestor_paths",
    "get",
    "percent",
    "ratio",
    "register",
    "registered",
    "unit_ids_by_path",
    "upsert_add",
]
