"""Writing changes and folding them into the cells, exactly once.

`record` writes a roll-up's changes as delta rows in the change's own transaction and asks for a
fold once it commits. `fold` locks a batch of deltas (SKIP LOCKED on PostgreSQL, so several
workers share the work; on SQLite every write transaction is IMMEDIATE, so folds take turns),
fans them out to every ancestor node, adds them to the cells with one upsert per chunk and
deletes them — all in one transaction, so a crash or a second run never counts a delta twice.
Cells are written in key order so concurrent workers cannot deadlock.

Folds and direct additions hold the roll-up's lock shared, rebuilds hold it exclusively
(PostgreSQL advisory locks; nothing on SQLite, whose writers are serialized anyway).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models, transaction

from .declare import Change, Node, Rollup, unit_ids_by_path

LOCK_CLASS = 0x526F6C6C  # "Roll": the advisory-lock namespace of the roll-ups


def lock(rollup: Rollup, *, exclusive: bool = False) -> None:
    """Take the roll-up's lock until the current transaction ends."""
    if connection.vendor == "postgresql":
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {fn}(%s, %s)", [LOCK_CLASS, rollup._lock_id])


def upsert_add(
    model: type[models.Model],
    key: Iterable[str],
    fields: Iterable[str],
    rows: Mapping[tuple, Mapping[str, int]],
) -> None:
    """rows[key] += values, inserting missing rows (one INSERT … ON CONFLICT per 500 rows; the
    same SQL on PostgreSQL and SQLite)."""
    if not rows:
        return
    key, fields = list(key), list(fields)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = key + fields
    updates = ", ".join(f"{qn(f)} = {table}.{qn(f)} + excluded.{qn(f)}" for f in fields)
    items = sorted(rows.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(chunk))
            params = [v for k, counts in chunk for v in (*k, *(counts[f] for f in fields))]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES {values} "
                f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {updates}",
                params,
            )


def fan_out(rollup: Rollup, changes: Iterable[Change]) -> dict[tuple, dict[str, int]]:
    """The cells each change counts in (values of `rollup.cell_key`): its unit and every ancestor
    (plus its grade and class), for its own key and each widened one."""
    changes = list(changes)
    ids = unit_ids_by_path({p for node, _k, _c in changes for p in node.ancestor_paths()})
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rollup.counters, 0))
    for node, key, counts in changes:
        if rollup.classes:
            nodes = [(ids[p], 0, 0) for p in node.ancestor_paths() if p in ids]
            if node.grade_id:
                nodes.append((node.unit_id, node.grade_id, 0))
            if node.class_id:
                nodes.append((node.unit_id, node.grade_id, node.class_id))
        else:
            nodes = [(ids[p],) for p in node.ancestor_paths() if p in ids]
        for wkey, fields in widened(rollup, key):
            for n in nodes:
                cell = cells[(*n, *wkey)]
                for f in fields:
                    cell[f] += counts.get(f, 0)
    return cells


def widened(rollup: Rollup, key: tuple) -> list[tuple[tuple, tuple[str, ...]]]:
    """The key itself with every counter, and each broader key a `Widen` rule gives."""
    out = [(key, rollup.counters)]
    named = dict(zip(rollup.keys, key, strict=True))
    for rule in rollup.widen:
        if all(named[c] for c in rule.when):
            wkey = tuple(0 if k in rule.reset else named[k] for k in rollup.keys)
            out.append((wkey, tuple(f for f in rollup.counters if f not in rule.drop)))
    return out


def _delta_rows(rollup: Rollup, changes: Iterable[Change]) -> list[models.Model]:
    summed: dict[tuple[Node, tuple], dict[str, int]] = defaultdict(lambda: dict.fromkeys(rollup.counters, 0))
    for node, key, counts in changes:
        row = summed[(node, tuple(key))]
        for f, v in counts.items():
            row[f] += v
    rows = []
    for (node, key), counts in summed.items():
        if not any(counts.values()):
            continue
        where = {"unit_id": node.unit_id, "unit_path": node.unit_path}
        if rollup.classes:
            where.update(grade_id=node.grade_id, class_id=node.class_id)
        rows.append(rollup.delta(**where, **dict(zip(rollup.keys, key, strict=True)), **counts))
    return rows


def record(rollup: Rollup, changes: Iterable[Change]) -> int:
    """Write `changes` in the current transaction: as deltas folded after the commit, or — a
    roll-up without deltas — straight into the cells. Returns how many rows were written."""
    if rollup.delta is None:
        return add_now(rollup, changes)
    rows = _delta_rows(rollup, changes)
    if rows:
        rollup.delta.objects.bulk_create(rows)
        from . import jobs

        jobs.after_commit(lambda: jobs.fold_soon(rollup.name))
    return len(rows)


def add_now(rollup: Rollup, changes: Iterable[Change]) -> int:
    """Fan changes out and add them to the cells in the current transaction."""
    cells = {k: v for k, v in fan_out(rollup, changes).items() if any(v.values())}
    if cells:
        with transaction.atomic():
            lock(rollup)
            upsert_add(rollup.cell, rollup.cell_key, rollup.counters, cells)
    return len(cells)


def changed(rollup: Rollup, before: Any | None, after: Any | None) -> int:
    """Record what `after` contributes now minus what `before` contributed (same transaction):
    the cells follow every move of a fact, and a fact counts exactly once wherever it is."""
    assert rollup.contributions is not None, f"{rollup.name} declares no contributions"
    changes: list[Change] = []
    for fact, sign in ((before, -1), (after, 1)):
        if fact is not None:
            changes += [(n, k, {f: sign * v for f, v in c.items()}) for n, k, c in rollup.contributions(fact)]
    return record(rollup, changes)


def _as_change(rollup: Rollup, d: Any) -> Change:
    if rollup.classes:
        node = Node(d.unit_id, d.unit_path, d.grade_id, d.class_id)
    else:
        node = Node(d.unit_id, d.unit_path)
    return node, tuple(getattr(d, k) for k in rollup.keys), {f: getattr(d, f) for f in rollup.counters}


def fold(rollup: Rollup, batch: int = 5000) -> int:
    """Fold every pending delta into the cells; returns how many were folded."""
    if rollup.delta is None:
        return 0
    folded = 0
    while True:
        with transaction.atomic():
            lock(rollup)
            qs = rollup.delta.objects.order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            deltas = list(qs[:batch])
            if not deltas:
                return folded
            upsert_add(
                rollup.cell,
                rollup.cell_key,
                rollup.counters,
                fan_out(rollup, (_as_change(rollup, d) for d in deltas)),
            )
            rollup.delta.objects.filter(pk__in=[d.pk for d in deltas]).delete()
        folded += len(deltas)
