"""`add_from_sql`, the engine's bulk addition on PostgreSQL, counts facts in exactly the cells
the engine's own fan-out (`fold.add_now`) counts them in: class, grade, school, every ancestor."""

from __future__ import annotations

import pytest
from django.db import connection

from safecampus.core.rollups import Node, get
from safecampus.core.rollups.bulk import add_from_sql
from safecampus.core.rollups.fold import add_now
from safecampus.talks import counting  # noqa: F401  (registers the `talks` roll-up)

from .helpers import unit

pytestmark = pytest.mark.django_db


def _cells(rollup) -> dict[tuple, tuple]:
    rows = rollup.cell.objects.values_list(*rollup.cell_key, *rollup.counters)
    n = len(rollup.cell_key)
    return {r[:n]: r[n:] for r in rows if any(r[n:])}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="add_from_sql is PostgreSQL's")
def test_bulk_addition_counts_like_the_fan_out(demo):
    talks = get("talks")
    s1, s2 = unit("demo-c1-k1-s1"), unit("demo-c1-k2-s1")
    facts = [(s1, 11, 101, 202612, 2), (s1, 11, 102, 202612, 1), (s2, 0, 0, 202611, 3)]
    add_now(
        talks,
        [(Node(u.pk, u.path, g, k), (m,), {"due": n, "done": 1, "on_day": 0}) for u, g, k, m, n in facts],
    )
    by_engine = _cells(talks)
    talks.cell.objects.all().delete()
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, 1, 0)"] * len(facts))
    columns = "unit_path, unit_id, grade_id, class_id, month, due, done, on_day"
    source = f"SELECT * FROM (VALUES {values}) AS f({columns})"
    params = [v for u, g, k, m, n in facts for v in (u.path, u.pk, g, k, m, n)]
    assert add_from_sql(talks, source, params) == 3
    assert _cells(talks) == by_engine
    assert by_engine[(unit("demo").pk, 0, 0, 202612)] == (3, 2, 0)  # the province: both classes
    assert by_engine[(s1.pk, 11, 0, 202612)] == (3, 2, 0)  # the grade
