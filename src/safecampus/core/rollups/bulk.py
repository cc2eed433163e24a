"""Adding facts to the cells in bulk, in the database (PostgreSQL).

A daily job that creates hundreds of thousands of facts at once (the 1530 talks' due class-days
of a province) cannot afford the Python fan-out of `fold.add_now`. `add_from_sql` takes a SQL
query — a SELECT, or an `INSERT … RETURNING` that writes the facts themselves — whose rows carry
the roll-up's `fact_columns` (unit_path, the node columns, the keys, the counters), and adds
them to the cells in the same statement, counted exactly as `fold.fan_out` counts a change:
in the fact's unit and every ancestor unit, and (roll-ups with classes) in its grade and class.
Roll-ups with `Widen` rules are not supported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from safecampus.core.models import Unit

from .declare import Rollup
from .fold import lock


def add_from_sql(rollup: Rollup, source: str, params: Sequence[Any]) -> int:
    """Add the facts `source` yields to the cells (one statement, the caller's transaction);
    returns how many facts it yielded."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("add_from_sql needs PostgreSQL; use fold.add_now elsewhere")
    if rollup.widen:
        raise ValueError(f"{rollup.name}: add_from_sql does not widen keys")
    qn = connection.ops.quote_name
    keys = [qn(k) for k in rollup.keys]
    counters = [qn(c) for c in rollup.counters]
    kc = ", ".join([*keys, *counters])
    sums = ", ".join(f"SUM({c})" for c in counters)
    key_list = ", ".join(keys)
    by_key = f", {key_list}" if keys else ""
    unit_t, cell_t = qn(Unit._meta.db_table), qn(rollup.cell._meta.db_table)
    counted = []
    if rollup.classes:
        counted += [
            f"SELECT unit_id, grade_id, class_id, {kc} FROM src WHERE class_id <> 0",
            f"SELECT unit_id, grade_id, 0, {kc} FROM src WHERE grade_id <> 0",
        ]
    nodes = "u.id, 0, 0" if rollup.classes else "u.id"
    # Facts grouped by unit first, then each unit's sums counted in every existing ancestor.
    counted.append(
        f"SELECT {nodes}, {', '.join(f's.{c}' for c in [*keys, *counters])} FROM ("
        f"SELECT unit_path{by_key}, {', '.join(f'SUM({c}) AS {c}' for c in counters)} FROM src"
        f" GROUP BY unit_path{by_key}) s"
        f" JOIN generate_series({Unit.steplen}, 255, {Unit.steplen}) AS l(len)"
        " ON l.len <= LENGTH(s.unit_path)"
        f" JOIN {unit_t} u ON u.path = SUBSTR(s.unit_path, 1, l.len)"
    )
    cell_key = ", ".join(qn(c) for c in rollup.cell_key)
    updates = ", ".join(f"{c} = {cell_t}.{c} + excluded.{c}" for c in counters)
    node_cols = ", ".join(qn(c) for c in rollup.node_columns)
    sql = (
        f"WITH src AS ({source}),"
        f" counted ({node_cols}, {kc}) AS ({' UNION ALL '.join(counted)}),"
        f" cells AS (INSERT INTO {cell_t} ({cell_key}, {', '.join(counters)})"
        f" SELECT {cell_key}, {sums} FROM counted GROUP BY {cell_key} ORDER BY {cell_key}"
        f" ON CONFLICT ({cell_key}) DO UPDATE SET {updates} RETURNING 1)"
        " SELECT (SELECT COUNT(*) FROM src), (SELECT COUNT(*) FROM cells)"
    )
    with transaction.atomic():
        lock(rollup)
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            facts, _cells = cursor.fetchone()
    return int(facts)
