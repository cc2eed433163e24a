"""Reading figures: the cells plus the deltas not folded yet, exact at any moment.

One statement sums the cells of the nodes asked for and the pending deltas that count for them
(a delta counts for a unit when the unit's path is a prefix of the delta's, and for its own
grade and class), within the query's window, grouped as asked — the backlog is never loaded
into Python however long it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection

from .declare import STEP, Rollup, Total

NodeKey = tuple[int, int, int]  # unit_id, grade_id, class_id (0, 0 for a unit)
Sql = tuple[str, list[Any]]


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _value(rollup: Rollup, column: str, value: Any) -> Any:
    return rollup.cell._meta.get_field(column).get_db_prep_value(value, connection)


def _filters(rollup: Rollup, where: Mapping[str, Any], ranges: Mapping[str, tuple], alias: str = "") -> Sql:
    """`column = value` (a list or tuple: one of them) and `start <= column <= end`."""
    parts, params = ["1 = 1"], []
    for col, value in where.items():
        c = alias + _qn(col)
        if isinstance(value, list | tuple | set | frozenset):
            values = sorted(value)
            if not values:
                parts.append("1 = 0")
                continue
            parts.append(f"{c} IN ({', '.join(['%s'] * len(values))})")
            params += [_value(rollup, col, v) for v in values]
        else:
            parts.append(f"{c} = %s")
            params.append(_value(rollup, col, value))
    for col, (start, end) in ranges.items():
        c = alias + _qn(col)
        if start is not None:
            parts.append(f"{c} >= %s")
            params.append(_value(rollup, col, start))
        if end is not None:
            parts.append(f"{c} <= %s")
            params.append(_value(rollup, col, end))
    return " AND ".join(parts), params


def _total(rollup: Rollup, t: Total, alias: str = "") -> Sql:
    col = alias + _qn(t.counter)
    conds, params = [], []
    if t.on and t.start is not None:
        conds.append(f"{alias}{_qn(t.on)} >= %s")
        params.append(_value(rollup, t.on, t.start))
    if t.on and t.end is not None:
        conds.append(f"{alias}{_qn(t.on)} <= %s")
        params.append(_value(rollup, t.on, t.end))
    if not conds:
        return col, []
    return f"CASE WHEN {' AND '.join(conds)} THEN {col} ELSE 0 END", params


def _cell_nodes(rollup: Rollup, nodes: Sequence[NodeKey]) -> Sql:
    units = sorted({u for u, g, k in nodes if not g and not k})
    parts, params = [], []
    if units:
        marks = ", ".join(["%s"] * len(units))
        parts.append(f"(grade_id = 0 AND class_id = 0 AND unit_id IN ({marks}))" if rollup.classes
                     else f"unit_id IN ({marks})")  # fmt: skip
        params += units
    for u, g, k in sorted({n for n in nodes if n[1] or n[2]}):
        parts.append("(unit_id = %s AND grade_id = %s AND class_id = %s)")
        params += [u, g, k]
    return " OR ".join(parts) or "1 = 0", params


def delta_columns(rollup: Rollup, negate: bool = False) -> str:
    """The delta table's columns in `fact_columns` order (counters negated on request)."""
    sign = "-" if negate else ""
    cols = [_qn(c) for c in ("unit_path", *rollup.node_columns, *rollup.keys)]
    return ", ".join(cols + [f"{sign}{_qn(c)}" for c in rollup.counters])


def widened_sql(rollup: Rollup, source: str) -> str:
    """`source` (rows of `fact_columns`) and the broader rows its `Widen` rules add."""
    cols = ", ".join(_qn(c) for c in rollup.fact_columns)
    parts = [f"SELECT {cols} FROM {source}"]
    for rule in rollup.widen:
        keys = ["0" if k in rule.reset else _qn(k) for k in rollup.keys]
        counters = ["0" if c in rule.drop else _qn(c) for c in rollup.counters]
        node = [_qn(c) for c in ("unit_path", *rollup.node_columns)]
        when = " AND ".join(f"{_qn(c)} <> 0" for c in rule.when)
        parts.append(f"SELECT {', '.join(node + keys + counters)} FROM {source} WHERE {when}")
    return " UNION ALL ".join(parts)


def common_prefix(paths: Sequence[str]) -> str:
    if not paths:
        return ""
    common = paths[0]
    for p in paths[1:]:
        while not p.startswith(common):
            common = common[: len(common) - STEP]
    return common


def _pending(
    rollup: Rollup, nodes: Sequence[NodeKey], paths: Mapping[int, str], where: Mapping[str, Any],
    ranges: Mapping[str, tuple], group: Sequence[str], totals: Mapping[str, Total],
) -> tuple[str, Sql, list[Any]] | None:  # fmt: skip
    """(the CTEs, the SELECT of the pending part, the CTEs' parameters) — None when nothing can
    be pending."""
    known = [(u, g, k, paths[u]) for u, g, k in nodes if u in paths]
    if rollup.delta is None or not known:
        return None
    values = ", ".join(["(%s, %s, %s, %s)"] * len(known))
    cte_params: list[Any] = [v for row in known for v in row]
    prefix = common_prefix(sorted({p for *_n, p in known}))
    reset = {c for rule in rollup.widen for c in rule.reset}
    early, early_params = _filters(
        rollup,
        {c: v for c, v in where.items() if c not in reset},
        {c: r for c, r in ranges.items() if c not in reset},
    )
    delta = _qn(rollup.delta._meta.db_table)
    columns = ", ".join(_qn(c) for c in rollup.fact_columns)
    ctes = (
        f"n(nu, ng, nk, np) AS (VALUES {values}), "
        f"d({columns}) AS (SELECT {delta_columns(rollup)} FROM {delta}"
        f" WHERE unit_path LIKE %s AND {early}), "
        f"s({columns}) AS ({widened_sql(rollup, 'd')})"
    )
    cte_params += [prefix + "%", *early_params]
    # Equality joins only (one branch per path length of the units asked for, and one each for
    # grades and classes), so the database can hash the nodes instead of testing every pair.
    matches = [
        f"n.ng = 0 AND n.nk = 0 AND n.np = SUBSTR(s.unit_path, 1, {length})"
        for length in sorted({len(p) for u, g, k, p in known if not g and not k})
    ]
    if rollup.classes:
        if any(g and not k for _u, g, k, _p in known):
            matches.append("n.ng <> 0 AND n.nk = 0 AND s.unit_id = n.nu AND s.grade_id = n.ng")
        if any(k for _u, _g, k, _p in known):
            matches.append("n.nk <> 0 AND s.unit_id = n.nu AND s.grade_id = n.ng AND s.class_id = n.nk")
    if not matches:
        return None
    sums = [_total(rollup, t, "s.") for t in totals.values()]
    cond, cond_params = _filters(rollup, where, ranges, "s.")
    cols = ", ".join(["n.nu", "n.ng", "n.nk", *(f"s.{_qn(g)}" for g in group), *(s for s, _p in sums)])
    selects = [f"SELECT {cols} FROM s JOIN n ON {match} WHERE {cond}" for match in matches]
    params = [*(p for _s, ps in sums for p in ps), *cond_params] * len(selects)
    return ctes, (" UNION ALL ".join(selects), params), cte_params


def read(
    rollup: Rollup,
    nodes: Sequence[NodeKey],
    paths: Mapping[int, str],
    *,
    where: Mapping[str, Any] | None = None,
    ranges: Mapping[str, tuple] | None = None,
    group: Sequence[str] = (),
    totals: Mapping[str, Total] | None = None,
) -> dict[tuple, dict[str, int]]:
    """{(unit_id, grade_id, class_id, *group values): {figure: sum}} for each node with data.

    `paths` maps unit ids to paths (for the pending deltas below a unit); `where` and `ranges`
    bound the key columns; `totals` names the figures (default: each counter, summed)."""
    where, ranges = where or {}, ranges or {}
    totals = totals or {c: Total(c) for c in rollup.counters}
    if not nodes:
        return {}
    cell = _qn(rollup.cell._meta.db_table)
    node_sql, node_params = _cell_nodes(rollup, nodes)
    cond, cond_params = _filters(rollup, where, ranges)
    sums = [_total(rollup, t) for t in totals.values()]
    head = "unit_id, grade_id, class_id" if rollup.classes else "unit_id, 0, 0"
    cols = ", ".join([head, *(_qn(g) for g in group), *(s for s, _p in sums)])
    parts = [f"SELECT {cols} FROM {cell} WHERE ({node_sql}) AND {cond}"]
    params = [*(p for _s, ps in sums for p in ps), *node_params, *cond_params]
    ctes, cte_params = "", []
    pending = _pending(rollup, nodes, paths, where, ranges, group, totals)
    if pending is not None:
        ctes, (select, select_params), cte_params = pending
        parts.append(select)
        params += select_params
    names = ["nu", "ng", "nk", *(f"g{i}" for i in range(len(group))), *(f"t{i}" for i in range(len(sums)))]
    outer_group = ", ".join(names[: 3 + len(group)])
    outer_sums = ", ".join(f"SUM(t{i})" for i in range(len(sums)))
    sql = (
        f"WITH {ctes + ', ' if ctes else ''}x({', '.join(names)}) AS ({' UNION ALL '.join(parts)}) "
        f"SELECT {outer_group}, {outer_sums} FROM x GROUP BY {outer_group}"
    )
    fields = [rollup.cell._meta.get_field(g) for g in group]
    out: dict[tuple, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *params])
        for row in cursor.fetchall():
            grouped = tuple(f.to_python(v) for f, v in zip(fields, row[3 : 3 + len(group)], strict=True))
            key = (int(row[0]), int(row[1]), int(row[2]), *grouped)
            out[key] = {name: int(v or 0) for name, v in zip(totals, row[3 + len(group) :], strict=True)}
    return out
