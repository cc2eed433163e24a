"""What a module declares to have its statistics kept by the engine: a `Rollup`.

A roll-up counts facts (hazards, learning days, people…) in *cells*: one row per node of the org
tree and value of the module's own keys (a month and a category, a campaign and a day…), holding
the module's counters. A fact counts in the cell of its unit and of every ancestor unit (the
prefixes of its `unit_path`) and — with `classes` — in the cell of its grade and class at its
unit. Changes are written as *deltas* in the change's transaction and folded into the cells
exactly once; a roll-up without a delta model adds its changes to the cells at once.

See docs/rollups.md for the worked example (the hazard statistics).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from safecampus.core.models import Unit

if TYPE_CHECKING:
    from .recount import Drift

STEP = Unit.steplen

# (node, own key values, counter changes): one fact's contribution, or one change of it.
Change = tuple["Node", tuple, Mapping[str, int]]
# What `facts(under)` returns: querysets or (sql, params), each selecting the columns of
# `Rollup.fact_columns` by name — one row per fact (or per group of facts) and its counters.
FactSource = models.QuerySet | tuple[str, Sequence[Any]]


@dataclass(frozen=True)
class Node:
    """Where a fact counts: a unit and, for students, their grade and class."""

    unit_id: int
    unit_path: str
    grade_id: int = 0
    class_id: int = 0

    def ancestor_paths(self) -> list[str]:
        """The unit's path and every ancestor's (prefixes of the materialized path)."""
        return ancestor_paths(self.unit_path)


def ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


@dataclass(frozen=True)
class Widen:
    """A fact also counts for a broader key: where every column of `when` is non-zero, its
    counters (less `drop`) count again with the `reset` columns set to zero. (A course's
    learning counts for its stage and its campaign; people are distinct per scope, so
    `participants` is dropped.)"""

    when: tuple[str, ...]
    reset: tuple[str, ...]
    drop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Total:
    """A figure read from the cells: the sum of `counter`, optionally only where the key column
    `on` lies between `start` and `end` (inclusive; None: open)."""

    counter: str
    on: str | None = None
    start: int | str | dt.date | None = None
    end: int | str | dt.date | None = None


@dataclass(eq=False)
class Rollup:
    """A module's statistics, declared once and registered with `register`."""

    name: str
    cell: type[models.Model]
    keys: tuple[str, ...]
    counters: tuple[str, ...]
    # Each fact's own contribution, under a path prefix (None: everywhere): the independent
    # recount behind reconcile and rebuild.
    facts: Callable[[str | None], Iterable[FactSource]]
    delta: type[models.Model] | None = None
    classes: bool = False
    widen: tuple[Widen, ...] = ()
    # fact → its contribution as it is now; `changed(before, after)` writes the difference.
    contributions: Callable[[Any], Iterable[Change]] | None = None
    # Units (ids) whose derived facts drift from their own sources (checked with reconcile).
    check: Callable[[str | None], list[int]] | None = None
    # Brings derived facts up to date under a path prefix before a rebuild.
    refresh: Callable[[str | None], Any] | None = None
    label: str = ""
    _lock_id: int = field(default=0, repr=False)

    @property
    def node_columns(self) -> tuple[str, ...]:
        return ("unit_id", "grade_id", "class_id") if self.classes else ("unit_id",)

    @property
    def cell_key(self) -> tuple[str, ...]:
        return (*self.node_columns, *self.keys)

    @property
    def fact_columns(self) -> tuple[str, ...]:
        return ("unit_path", *self.node_columns, *self.keys, *self.counters)

    # The engine's services, for the module's convenience (see the modules named).
    def record(self, changes: Iterable[Change]) -> int:
        """Write changes as deltas in the current transaction (`fold.record`)."""
        from . import fold

        return fold.record(self, changes)

    def changed(self, before: Any | None, after: Any | None) -> int:
        """Record what `after` contributes minus what `before` did (`fold.changed`)."""
        from . import fold

        return fold.changed(self, before, after)

    def fold(self, batch: int = 5000) -> int:
        from . import fold

        return fold.fold(self, batch)

    def read(self, nodes: Sequence[tuple[int, int, int]], paths: Mapping[int, str], **query: Any) -> dict:
        from . import read

        return read.read(self, nodes, paths, **query)

    def reconcile(self, *, check: bool = True) -> Drift:
        from . import recount

        return recount.reconcile(self, check=check)

    def rebuild(self, unit: Unit | None = None, *, refresh: bool = False) -> None:
        from . import recount

        recount.rebuild(self, unit, refresh=refresh)


_REGISTRY: dict[str, Rollup] = {}


def register(rollup: Rollup) -> Rollup:
    """Register a roll-up with the engine (once, when its module is imported)."""
    import zlib

    if rollup.name in _REGISTRY and _REGISTRY[rollup.name] is not rollup:
        raise ValueError(f"roll-up {rollup.name!r} is registered twice")
    rollup._lock_id = zlib.crc32(rollup.name.encode()) & 0x7FFFFFFF
    _REGISTRY[rollup.name] = rollup
    return rollup


def registered() -> list[Rollup]:
    return sorted(_REGISTRY.values(), key=lambda r: r.name)


def get(name: str) -> Rollup:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no roll-up named {name!r}") from None


def unit_ids_by_path(paths: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    items = sorted(set(paths))
    for start in range(0, len(items), 500):
        out.update(Unit.objects.filter(path__in=items[start : start + 500]).values_list("path", "id"))
    return out
