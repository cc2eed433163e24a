"""Folding pending deltas into the roll-up cells, exactly once.

A batch of `StatDelta` rows is locked (SKIP LOCKED on PostgreSQL, so several workers can share
the work), fanned out to every ancestor node and broader scope, added to `StatCell` with one
upsert per chunk and deleted — all in one transaction, so a crash or a second run never counts
a delta twice. Cells are written in key order so concurrent workers cannot deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from .models import CELL_KEY, COUNTER_FIELDS, StatCell, StatDelta
from .nodes import Node, unit_ids_by_path

CellKey = tuple  # values of CELL_KEY, in order


def fan_out(deltas: Iterable[Any], unit_ids: dict[str, int]) -> dict[CellKey, dict[str, int]]:
    """Cells each delta counts in: the unit and its ancestors (plus grade and class), for its own
    scope and — for course deltas — the course's stage and campaign (without `participants`,
    which are distinct per scope)."""
    cells: dict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0))
    for d in deltas:
        node = Node(d.unit_id, d.unit_path, d.grade_id, d.class_id)
        nodes = [(unit_ids[p], 0, 0) for p in node.ancestor_paths() if p in unit_ids]
        if d.grade_id:
            nodes.append((d.unit_id, d.grade_id, 0))
        if d.class_id:
            nodes.append((d.unit_id, d.grade_id, d.class_id))
        scopes = [((d.stage_id, d.course_id), COUNTER_FIELDS)]
        if d.course_id:
            broad = [f for f in COUNTER_FIELDS if f != "participants"]
            scopes.append(((0, 0), broad))
            if d.stage_id:
                scopes.append(((d.stage_id, 0), broad))
        for n in nodes:
            for (stage_id, course_id), fields in scopes:
                cell = cells[(*n, d.campaign_id, stage_id, course_id, d.audience, d.day)]
                for f in fields:
                    cell[f] += getattr(d, f)
    return cells


def paths_of(deltas: Iterable[Any]) -> set[str]:
    return {p for d in deltas for p in Node(d.unit_id, d.unit_path).ancestor_paths()}


def add_to_rows(
    model: type[models.Model], key: list[str], fields: list[str], rows: dict[tuple, dict[str, int]]
) -> None:
    """rows[key] += values, inserting missing rows (one INSERT … ON CONFLICT per 500 rows; the
    same SQL on PostgreSQL and SQLite)."""
    if not rows:
        return
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


def apply_pending(batch: int = 5000) -> int:
    """Fold every pending delta into the cells; returns how many were applied."""
    applied = 0
    while True:
        with transaction.atomic():
            qs = StatDelta.objects.order_by("id")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            deltas = list(qs[:batch])
            if not deltas:
                return applied
            cells = fan_out(deltas, unit_ids_by_path(paths_of(deltas)))
            add_to_rows(StatCell, CELL_KEY, COUNTER_FIELDS, cells)
            StatDelta.objects.filter(pk__in=[d.pk for d in deltas]).delete()
        applied += len(deltas)
