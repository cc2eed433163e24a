"""A unit move rebuilds only the cells of the old and new ancestor chains: the moved subtree, the
common ancestors and every unrelated county keep their very rows (same ids, same values)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safecampus.accounts.models import User
from safecampus.core.rollups import get, registered
from safecampus.core.services import move_unit
from safecampus.hazards import figures

from .helpers import cells_of, report_hazard, unit, watch

pytestmark = pytest.mark.django_db


def test_a_move_rebuilds_only_the_old_and_new_chains(pupils, video, campaign):
    for code in ("demo-c1-k1-s1", "demo-c1-k1-s1", "demo-c1-k2-s1", "demo-c2-k1-s1"):
        report_hazard(code)
    watch(pupils[0].user, video, 45)
    untouched = ["demo-c1-k1-s1", "demo-c2", "demo-c1-k2-s1"]  # moved subtree, other city, k2's school
    before = cells_of(untouched)
    top = {r.name: cells_of(["demo"])[r.name] for r in registered()}
    assert before["hazards"] and before["training"] and before["training_targets"]
    k1_before = {name: rows for name, rows in cells_of(["demo-c1-k1"]).items()}

    with CaptureQueriesContext(connection) as queries:
        move_unit(unit("demo-c1-k1-s1"), unit("demo-c1-k2"), actor=User.objects.get(username="demo_operator"))

    assert cells_of(untouched) == before
    # the province and the city (the common ancestor and above) keep their rows too
    for r in registered():
        rows = {row for row in top[r.name] if row[1] in {str(unit("demo").pk), str(unit("demo-c1").pk)}}
        assert rows <= set(cells_of(["demo"])[r.name]), r.name
    assert cells_of(["demo-c1-k1"]) != k1_before
    for r in registered():
        deletes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith(f'DELETE FROM "{r.cell._meta.db_table}"')
        ]
        assert deletes and all("unit_id IN" in sql for sql in deletes), deletes
        assert r.reconcile().clean, r.reconcile().as_dict()
    k1, k2 = unit("demo-c1-k1"), unit("demo-c1-k2")
    got = figures.summaries([k1, k2], figures.Window())
    assert (got[k1.pk].reported, got[k2.pk].reported) == (0, 3)


def test_pending_deltas_follow_the_moved_subtree(pupils, video, campaign, monkeypatch):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # nothing folded
    report_hazard("demo-c1-k1-s1")
    report_hazard("demo-c1-k2-s1")
    hazards = get("hazards")
    assert hazards.delta.objects.exists()
    move_unit(unit("demo-c1-k1-s1"), unit("demo-c1-k2"), actor=User.objects.get(username="demo_operator"))
    k1, k2 = unit("demo-c1-k1"), unit("demo-c1-k2")
    got = figures.summaries([k1, k2], figures.Window())  # cells + pending deltas
    assert (got[k1.pk].reported, got[k2.pk].reported) == (0, 2)
    assert hazards.reconcile().clean
