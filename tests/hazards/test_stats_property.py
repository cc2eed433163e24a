"""Property: whatever reports and actions happen (rejections, fixes on the spot, send-backs,
major hazards, late submissions across months, a school moving to another county), with the
roll-up run at random moments, the figures of every level equal a naive count (pending deltas
included), the cells equal the recount, and replaying the fold changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.services import move_unit
from safecampus.hazards import figures, recount, rollup
from safecampus.hazards.models import Grade
from safecampus.hazards.stats_models import HazardCell

from .stats_helpers import CATEGORIES, SOURCES, Cast, naive

T0 = dt.datetime(2026, 10, 28, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai: months turn soon
CODES = ["demo", "demo-c1", "demo-c1-k1", "demo-c1-k2", "demo-c1-k1-s1", "demo-c1-k2-s1"]

op = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 1), st.booleans(), st.integers(0, 1), st.integers(0, 2)),
    st.tuples(
        st.just("step"),
        st.integers(0, 9),
        st.lists(st.integers(0, 20), min_size=1, max_size=6),
        st.integers(0, 4),
    ),
    st.tuples(st.just("travel"), st.integers(1, 20)),
    st.just(("fold",)),
    st.just(("move",)),
)


class Rollback(Exception):
    pass


def check_every_level() -> None:
    for code in CODES:
        unit = Unit.objects.get(code=code)
        assert figures.summaries([unit], figures.Window())[unit.pk].as_dict() == naive(unit), code


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=14))
def test_figures_and_cells_equal_the_recount(demo, monkeypatch, ops):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # fold only on "fold"
    operator = User.objects.get(username="demo_operator")
    try:
        with transaction.atomic(), time_machine.travel(T0, tick=False) as clock:
            cast = Cast()
            hazards = []
            for name, *args in ops:
                if name == "report":
                    school, major, category, source = args
                    grade = Grade.MAJOR if major else Grade.GENERAL
                    hazards.append(cast.report(school, grade, CATEGORIES[category], SOURCES[source]))
                elif name == "step" and hazards:
                    h = hazards[args[0] % len(hazards)]
                    for choice in args[1]:
                        cast.step(h, choice, deadline_days=args[2])
                elif name == "travel":
                    clock.shift(dt.timedelta(days=args[0]))
                elif name == "fold":
                    rollup.apply_pending()
                elif name == "move":
                    school = Unit.objects.get(pk=cast.schools[0].pk)
                    to = (
                        "demo-c1-k2"
                        if school.path.startswith(Unit.objects.get(code="demo-c1-k1").path)
                        else "demo-c1-k1"
                    )
                    move_unit(school, Unit.objects.get(code=to), actor=operator)
                    cast = Cast()  # memberships cached on the users carry the old paths
                    for h in hazards:
                        h.refresh_from_db()
            check_every_level()  # cells + pending deltas
            drift = recount.reconcile()  # folds what is pending
            assert drift.clean, drift.as_dict()
            check_every_level()
            cells = sorted(
                HazardCell.objects.values_list(
                    "unit_id",
                    "month",
                    "grade",
                    "category",
                    "source",
                    "status",
                    "hazards",
                    "on_spot",
                    "due",
                    "on_time",
                    "closures",
                )
            )
            assert rollup.apply_pending() == 0
            assert (
                sorted(
                    HazardCell.objects.values_list(
                        "unit_id",
                        "month",
                        "grade",
                        "category",
                        "source",
                        "status",
                        "hazards",
                        "on_spot",
                        "due",
                        "on_time",
                        "closures",
                    )
                )
                == cells
            )
            raise Rollback
    except Rollback:
        pass
