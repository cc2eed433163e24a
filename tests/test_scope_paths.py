"""The scoping helper matches rows under many paths with a condition whose size does not grow
with their number (issue 14 §1), the same rows as one prefix match per path."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from safecampus.core import scoping
from safecampus.core.models import Unit
from safecampus.core.scoping import outermost_paths, scope_q, scope_sql


def _naive(paths: list[str]) -> set[int]:
    all_units = Unit.objects.values_list("pk", "path")
    return {pk for pk, path in all_units if any(path.startswith(p) for p in paths)}


def _by_sql(paths: list[str]) -> set[int]:
    where, params = scope_sql(paths, "path")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Unit._meta.db_table} WHERE {where}", params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("few", [0, 2, 16])
def test_same_rows_as_one_prefix_per_path(demo, monkeypatch, few):
    monkeypatch.setattr(scoping, "FEW_PATHS", few)
    every = list(Unit.objects.values_list("path", flat=True))
    rng = random.Random(few)
    samples = [
        [],
        every,
        [p for p in every if len(p) == 16],
        ["0009"],
        *(rng.sample(every, 5) for _ in range(20)),
    ]
    for paths in samples:
        want = _naive(paths)
        assert set(Unit.objects.filter(scope_q(paths, "path")).values_list("pk", flat=True)) == want, paths
        assert _by_sql(paths) == want, paths


def test_the_condition_does_not_grow_with_the_paths(demo):
    schools = [f"0001{c:04d}{k:04d}{s:04d}" for c in range(1, 11) for k in range(1, 11) for s in range(1, 31)]
    assert len(schools) == 3000
    where, params = scope_sql(schools, "path")
    assert where.count("LIKE") == 1 and len(params) == 3001
    found = set(
        Unit.objects.filter(scope_q(schools, "path")).values_list("pk", flat=True)
    )  # SQLite accepts it
    assert found == _naive(schools) and len(found) == 12  # the demo's schools are among them


def test_outermost_paths():
    assert outermost_paths(["00010002", "0001", "00020001", "000200010003", "0003"]) == [
        "0001",
        "00020001",
        "0003",
    ]
    assert outermost_paths([]) == []
    assert outermost_paths(["", "0001"]) == [""]
