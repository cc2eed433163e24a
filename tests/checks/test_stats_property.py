"""Property: whatever tasks are created, submitted (on time or late, with failed items and
hazards), missed or cancelled over a few schools and months, with the fold run at random moments
or not at all, the figures of every level (cells + pending deltas) equal a naive count from the
tasks, the cells equal the recount, and folding again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.checks import stats
from safecampus.checks.counting import INSPECTIONS
from safecampus.checks.models import InspectionCell, TaskStatus
from safecampus.core.models import Unit

from .stats_helpers import create, naive, schedule_at, settle, submit

SCHOOLS = ["demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k2-s1"]
CODES = ["demo", "demo-c1", "demo-c1-k1", "demo-c1-k2", *SCHOOLS]
# 23:30 on the last day of October in Shanghai: a task opening then is due in November.
T0 = dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC)
MONTHS = (202610, 202611, 202612)

op = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 40)),
    st.tuples(st.just("submit"), st.integers(0, 30), st.booleans(), st.integers(0, 3), st.integers(0, 2)),
    st.tuples(st.just("miss"), st.integers(0, 30)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.just(("fold",)),
)


class Rollback(Exception):
    pass


def check_every_level() -> None:
    units = list(Unit.objects.filter(code__in=CODES))
    for window in ((None, None), (202610, 202610), (202611, 202612)):
        found = stats.read(units, *window)
        for u in units:
            assert found[u.pk].as_dict() == naive(u, *window), (u.code, window)


def cells() -> list[tuple]:
    return sorted(InspectionCell.objects.values_list("unit_id", "month", "due", "done", "on_time", "missed",
                                                     "failed_items", "hazards_raised"))  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=16))
def test_figures_equal_a_recount(demo, monkeypatch, ops):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # fold only on "fold"
    try:
        with transaction.atomic():
            schools = {c: Unit.objects.get(code=c) for c in SCHOOLS}
            schedules = {c: schedule_at(u) for c, u in schools.items()}
            tasks = []
            for name, *args in ops:
                if name == "create":
                    code = SCHOOLS[args[0]]
                    opens = T0 + dt.timedelta(hours=args[1] * 19, minutes=len(tasks)) - dt.timedelta(days=20)
                    tasks.append(create(schedules[code], schools[code], opens))
                elif name == "fold":
                    INSPECTIONS.fold()
                elif tasks:
                    t = tasks[args[0] % len(tasks)]
                    if t.status != TaskStatus.OPEN:
                        continue  # the transition table: only open tasks move
                    if name == "submit":
                        submit(t, on_time=args[1], failed=args[2], hazards=min(args[2], args[3]))
                    else:
                        settle(t, TaskStatus.MISSED if name == "miss" else TaskStatus.CANCELLED)
            check_every_level()  # cells + pending deltas
            drift = INSPECTIONS.reconcile()
            assert drift.clean, drift.as_dict()
            check_every_level()
            folded = cells()
            INSPECTIONS.fold()
            assert cells() == folded
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
def test_changed_many_equals_one_by_one(demo, monkeypatch):
    """The bulk form (a bulk move) writes the same figures: one delta per school and month."""
    from safecampus.checks import counting
    from safecampus.checks.models import InspectionDelta

    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)
    school = Unit.objects.get(code="demo-c1-k1-s2")
    s = schedule_at(school)
    tasks = [create(s, school, T0 + dt.timedelta(days=40, hours=i)) for i in range(6)]
    assert not InspectionDelta.objects.filter(unit_id=school.pk).exists()  # open tasks are not due yet
    pairs = []
    for t in tasks[:4]:
        before = counting.snapshot(t)
        t.status = TaskStatus.MISSED
        t.save()
        pairs.append((before, t))
    assert counting.changed_many(pairs) == 1
    assert stats.read_one(school).as_dict() == naive(school)
    assert stats.read_one(school).missed == 4
    assert INSPECTIONS.reconcile().clean
