"""Recounting a roll-up from its facts: reconcile, rebuild, and the rebuild of a unit move.

The recount is independent of the incremental path: it sums the module's facts (`facts`) per
unit, grade and class, widens them and fans them out to every ancestor by joining the units on
the prefixes of the facts' paths — all in one SQL statement. Deltas still pending are subtracted
in that same statement, so a recount compares with (or replaces) the cells exactly even while
facts are being written, and the pending deltas are folded afterwards as usual.

A rebuild holds the roll-up's lock exclusively (folds wait; facts and deltas are still written).
When a unit moves, only the cells of the old and the new ancestor chain change (below their
nearest common ancestor): `moved` rebuilds just those, in the move's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Substr

from safecampus.core.models import Unit

from .declare import STEP, Rollup, registered, unit_ids_by_path
from .fold import fold, lock
from .read import common_prefix, delta_columns, widened_sql

Sql = tuple[str, list[Any]]


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _like(prefix: str | None) -> str:
    return (prefix or "") + "%"


def _facts(rollup: Rollup, under: str | None, minus_pending: bool) -> Sql:
    """Every fact's contribution under `under`, less the pending deltas there."""
    cols = ", ".join(_qn(c) for c in rollup.fact_columns)
    parts, params = [], []
    for i, source in enumerate(rollup.facts(under)):
        if isinstance(source, models.QuerySet):
            sql, p = source.query.get_compiler(using=source.db).as_sql()
        else:
            sql, p = source
        parts.append(f"SELECT {cols} FROM ({sql}) src{i} WHERE unit_path LIKE %s")
        params += [*p, _like(under)]
    if minus_pending and rollup.delta is not None:
        table = _qn(rollup.delta._meta.db_table)
        parts.append(f"SELECT {delta_columns(rollup, negate=True)} FROM {table} WHERE unit_path LIKE %s")
        params.append(_like(under))
    return " UNION ALL ".join(parts), params


@dataclass(frozen=True)
class Target:
    """Which cells a recount produces: below `under` (None: all), only at depths from
    `min_length` on, or only the unit cells of `unit_ids` (no grades or classes)."""

    under: str | None = None
    min_length: int = 0
    unit_ids: tuple[int, ...] = ()


def recount_parts(
    rollup: Rollup, target: Target = Target(), *, minus_pending: bool = True
) -> tuple[str, str, list]:
    """(CTEs, final SELECT, parameters) of every non-zero cell recounted from the facts, in the
    columns of `cell_key` + `counters`."""
    q = _qn
    node, keys, counters = rollup.node_columns, [q(k) for k in rollup.keys], [q(c) for c in rollup.counters]
    group = ", ".join(["unit_path", *node, *keys])
    sums = ", ".join(f"SUM({c})" for c in counters)
    cols = ", ".join(q(c) for c in rollup.fact_columns)
    facts, params = _facts(rollup, target.under, minus_pending)
    depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 1
    depths = ", ".join(f"({i})" for i in range(1, depth + 1))
    head = ["nu", "ng", "nk"] if rollup.classes else ["nu"]
    out_cols = ", ".join([*head, *keys, *counters])
    zeros = "0, 0, " if rollup.classes else ""
    where, where_params = ["1 = 1"], []
    if target.min_length:
        where.append("dd.n * %s >= %s")
        where_params += [STEP, target.min_length]
    if target.unit_ids:
        where.append(f"x.id IN ({', '.join(['%s'] * len(target.unit_ids))})")
        where_params += list(target.unit_ids)
    branches = [
        f"SELECT x.id, {zeros}{', '.join('t.' + c for c in (*keys, *counters))} FROM t"
        f" JOIN dd ON dd.n * {STEP} <= LENGTH(t.unit_path)"
        f" JOIN {q(Unit._meta.db_table)} x ON x.path = SUBSTR(t.unit_path, 1, dd.n * {STEP})"
        f" WHERE {' AND '.join(where)}"
    ]
    if rollup.classes and not target.unit_ids:
        rest = f"{', '.join(keys)}, {', '.join(counters)} FROM c"
        branches.append(f"SELECT unit_id, grade_id, 0, {rest} WHERE grade_id <> 0")
        branches.append(f"SELECT unit_id, grade_id, class_id, {rest} WHERE class_id <> 0")
    ctes = (
        f"f({cols}) AS ({facts}), "
        f"a({cols}) AS (SELECT {group}, {sums} FROM f GROUP BY {group}), "
        f"s({cols}) AS ({widened_sql(rollup, 'a')}), "
        f"c({cols}) AS (SELECT {group}, {sums} FROM s GROUP BY {group}), "
        f"t(unit_path, {', '.join(keys)}, {', '.join(counters)}) AS ("
        f"SELECT unit_path, {', '.join(keys)}, {sums} FROM c GROUP BY unit_path, {', '.join(keys)}), "
        f"dd(n) AS (VALUES {depths}), "
        f"nodes({out_cols}) AS ({' UNION ALL '.join(branches)})"
    )
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in counters)
    by = ", ".join([*head, *keys])
    select = f"SELECT {by}, {sums} FROM nodes GROUP BY {by} HAVING {nonzero}"
    return ctes, select, [*params, *where_params]


def _stored(rollup: Rollup) -> str:
    cols = ", ".join(_qn(c) for c in (*rollup.cell_key, *rollup.counters))
    nonzero = " OR ".join(f"{_qn(c)} <> 0" for c in rollup.counters)
    return f"SELECT {cols} FROM {_qn(rollup.cell._meta.db_table)} WHERE {nonzero}"


@dataclass
class Drift:
    """How a roll-up's cells differ from its recount."""

    rollup: str
    cells_missing: int = 0  # in the recount, not (or not so) in the cells
    cells_extra: int = 0  # in the cells, not in the recount
    units: list[int] = field(default_factory=list)  # units with a drifting cell
    facts_units: list[int] = field(default_factory=list)  # units whose derived facts drift
    samples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.cells_missing or self.cells_extra or self.facts_units)

    def unit_codes(self) -> list[str]:
        ids = sorted(set(self.units) | set(self.facts_units))
        codes = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
        return [codes.get(pk, f"#{pk}") for pk in ids]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rollup": self.rollup,
            "clean": self.clean,
            "cells_missing": self.cells_missing,
            "cells_extra": self.cells_extra,
            "units": self.unit_codes(),
            "samples": self.samples,
        }


@dataclass
class Reconciliation:
    """The drift of several roll-ups."""

    drifts: list[Drift]

    @property
    def clean(self) -> bool:
        return all(d.clean for d in self.drifts)

    def as_dict(self) -> dict[str, Any]:
        return {"clean": self.clean, **{d.rollup: d.as_dict() for d in self.drifts}}


def _row(row: Sequence[Any]) -> str:
    return "(" + ", ".join(str(v) for v in row) + ")"


def reconcile(rollup: Rollup, *, check: bool = True) -> Drift:
    """Fold what is pending, then compare every stored cell with the recount (one statement)."""
    fold(rollup)
    ctes, select, params = recount_parts(rollup)
    width = len(rollup.cell_key)
    sql = (
        f"WITH {ctes}, r AS ({select}), st AS ({_stored(rollup)}) "
        "SELECT 'r', d.* FROM (SELECT * FROM r EXCEPT SELECT * FROM st) d "
        "UNION ALL SELECT 's', e.* FROM (SELECT * FROM st EXCEPT SELECT * FROM r) e"
    )
    drift = Drift(rollup.name)
    recounted: set[tuple] = set()
    stored: list[tuple] = []
    units: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for side, *row in cursor:
            key = tuple(str(v) for v in row[:width])
            units.add(int(row[0]))
            if side == "r":
                recounted.add(key)
                drift.cells_missing += 1
                if len(drift.samples) < 10:
                    drift.samples.append(f"{_row(row)}: recount")
            else:
                stored.append(key)
                if len(drift.samples) < 10:
                    drift.samples.append(f"{_row(row)}: cell")
    drift.cells_extra = sum(1 for key in stored if key not in recounted)
    drift.units = sorted(units)
    if check and rollup.check is not None:
        drift.facts_units = sorted(rollup.check(None))
    return drift


def _replace(rollup: Rollup, target: Target, delete_where: str, delete_params: Sequence[Any]) -> None:
    ctes, select, params = recount_parts(rollup, target)
    cols = ", ".join(_qn(c) for c in (*rollup.cell_key, *rollup.counters))
    table = _qn(rollup.cell._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {table} WHERE {delete_where}", list(delete_params))
        cursor.execute(f"INSERT INTO {table} ({cols}) WITH {ctes} {select}", params)


@transaction.atomic
def rebuild(rollup: Rollup, unit: Unit | None = None, *, refresh: bool = False) -> None:
    """Replace the cells by the recount: every cell, or those of `unit`'s subtree (with
    `refresh`, after bringing the roll-up's derived facts up to date there)."""
    under = unit.path if unit is not None else None
    if refresh and rollup.refresh is not None:
        rollup.refresh(under)
    lock(rollup, exclusive=True)
    if unit is None:
        _replace(rollup, Target(), "1 = 1", [])
        return
    units = f"SELECT id FROM {_qn(Unit._meta.db_table)} WHERE path LIKE %s"
    _replace(rollup, Target(under=under, min_length=len(under)), f"unit_id IN ({units})", [_like(under)])


def rebuild_units(rollup: Rollup, unit_ids: Sequence[int], under: str) -> None:
    """Replace the unit cells (not their grades' and classes') of units on one chain under
    `under` by the recount of the facts below `under`."""
    ids = tuple(sorted(unit_ids))
    if not ids:
        return
    marks = ", ".join(["%s"] * len(ids))
    where = f"unit_id IN ({marks})" + (" AND grade_id = 0 AND class_id = 0" if rollup.classes else "")
    _replace(rollup, Target(under=under, unit_ids=ids), where, ids)


def chains(old_path: str, new_path: str) -> list[list[str]]:
    """The ancestor chains whose figures a move from `old_path` to `new_path` changes: the old
    parents and the new ones, below their nearest common ancestor (top first)."""
    old_parent, new_parent = old_path[:-STEP], new_path[:-STEP]
    common = common_prefix([old_parent, new_parent])
    return [
        [parent[:i] for i in range(len(common) + STEP, len(parent) + 1, STEP)]
        for parent in (old_parent, new_parent)
    ]


@transaction.atomic
def moved(unit: Unit, old_path: str) -> None:
    """In the move's transaction: pending deltas of the moved subtree take its new paths, and
    the cells of the old and new ancestor chains are rebuilt — nothing else is touched."""
    paths = chains(old_path, unit.path)
    ids = unit_ids_by_path(p for chain in paths for p in chain)
    for rollup in registered():
        lock(rollup, exclusive=True)
        if rollup.delta is not None:
            rollup.delta.objects.filter(unit_path__startswith=old_path).update(
                unit_path=Concat(Value(unit.path), Substr(F("unit_path"), len(old_path) + 1))
            )
        for chain in paths:
            if chain:
                rebuild_units(rollup, [ids[p] for p in chain if p in ids], chain[0])
