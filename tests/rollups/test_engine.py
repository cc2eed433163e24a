"""The engine itself: figures read in one statement however long the backlog is, folds that
count each delta once, and a nightly reconcile that raises the alarm on drift."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from safecampus.accounts.models import User
from safecampus.core.rollups import Node, get, jobs
from safecampus.inbox.models import Notification

from .helpers import corrupt, report_hazard, unit

pytestmark = pytest.mark.django_db


def test_figures_read_cells_and_pending_deltas_in_one_statement(demo, monkeypatch):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)
    hazards = get("hazards")
    school = unit("demo-c1-k1-s1")
    key = (202611, "general", "fire", "patrol", "reported")
    for _ in range(300):  # a long backlog: 300 delta rows
        hazards.record([(Node(school.pk, school.path), key, {"hazards": 1})])
    report_hazard("demo-c1-k2-s1")
    hazards.fold()
    hazards.record(
        [(Node(school.pk, school.path), (202611, "general", "fire", "patrol", "reported"), {"hazards": 1})]
    )
    places = [unit(c) for c in ("demo", "demo-c1", "demo-c1-k1", "demo-c1-k1-s1", "demo-c2")]
    with CaptureQueriesContext(connection) as queries:
        got = hazards.read([(u.pk, 0, 0) for u in places], {u.pk: u.path for u in places})
    assert len(queries.captured_queries) == 1
    total = {key[0]: counts["hazards"] for key, counts in got.items()}
    assert total[unit("demo").pk] == 302 and total[unit("demo-c1-k1-s1").pk] == 301
    assert unit("demo-c2").pk not in total
    month = hazards.read([(school.pk, 0, 0)], {school.pk: school.path}, ranges={"month": (202612, None)})
    assert month == {}


def test_a_second_fold_counts_nothing_again(demo, monkeypatch):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)
    report_hazard("demo-c1-k1-s1")
    hazards = get("hazards")
    assert hazards.fold() > 0
    cells = list(hazards.cell.objects.order_by("id").values())
    assert hazards.fold() == 0
    assert list(hazards.cell.objects.order_by("id").values()) == cells


def test_nightly_reconcile_logs_drift_and_tells_the_operators(demo, caplog):
    report_hazard("demo-c1-k1-s1")
    assert jobs.nightly_reconcile.call_local()["hazards"]["clean"]
    assert not Notification.objects.exists()
    corrupt("hazards", "demo-c1-k1-s1")
    with caplog.at_level(logging.ERROR, logger="safecampus.rollups"):
        result = jobs.nightly_reconcile.call_local()
        jobs.nightly_reconcile.call_local()  # the same day: one notification, not two
    assert result["hazards"]["units"] == ["demo-c1-k1-s1"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "hazards" in errors[0].getMessage() and "demo-c1-k1-s1" in errors[0].getMessage()
    note = Notification.objects.get(user=User.objects.get(username="demo_operator"))
    with translation.override("en"):
        assert "hazards" in note.title_text and "demo-c1-k1-s1" in note.body_text
    with translation.override("zh-hans"):
        assert "统计" in note.title_text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED: PostgreSQL only")
def test_parallel_folds_count_each_delta_once(demo, monkeypatch):
    import threading

    from django.db import connections

    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)
    hazards = get("hazards")
    schools = [unit(c) for c in ("demo-c1-k1-s1", "demo-c1-k2-s1", "demo-c2-k1-s1")]
    key = (202611, "general", "fire", "patrol", "reported")
    for i in range(300):
        s = schools[i % 3]
        hazards.record([(Node(s.pk, s.path), key, {"hazards": 1})])
    folded: list[int] = []

    def work() -> None:
        try:
            folded.append(hazards.fold(batch=20))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(folded) == 300 and not hazards.delta.objects.exists()
    province = unit("demo")
    got = hazards.read([(province.pk, 0, 0)], {province.pk: province.path})
    assert sum(c["hazards"] for c in got.values()) == 300
