"""Property: whatever talks are recorded (on the day or late, replayed), whatever days are settled
(again and again) and whenever the fold runs, the figures of every level (cells + pending
deltas) equal a naive count from the operations, and the cells equal the recount."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.core.rollups import get
from safecampus.talks import settle, stats
from safecampus.talks.services import record

from .helpers import make_class

CODES = ["demo", "demo-c1", "demo-c1-k1", "demo-c1-k2", "demo-c1-k1-s1", "demo-c1-k2-s1"]
# Mon 12 – Sat 17 October 2026: four daily days, a Friday before the weekend, a Saturday off.
DAYS = [dt.date(2026, 10, d) for d in (12, 13, 14, 15, 16, 17)]
SCHOOL_DAYS = set(DAYS[:5])

op = st.one_of(
    st.tuples(st.just("record"), st.integers(0, 2), st.integers(0, 4), st.booleans()),
    st.tuples(st.just("settle"), st.integers(0, 5)),
    st.just(("fold",)),
)


class Rollback(Exception):
    pass


def _teacher(school: Unit) -> User:
    user = User.objects.create_user(f"ht_{uuid.uuid4().hex[:8]}", "Demo@2026", name="别校老师")
    Membership.objects.create(user=user, unit=school, role=Role.HEAD_TEACHER)
    return user


def _kind(day: dt.date) -> tuple[str, int]:
    return ("weekend", 5) if day.weekday() == 4 else ("daily", 1)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_figures_equal_a_recount(demo, monkeypatch, ops):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # fold only on "fold"
    rollup = get("talks")
    try:
        with transaction.atomic():
            s1, s2 = Unit.objects.get(code="demo-c1-k1-s1"), Unit.objects.get(code="demo-c1-k2-s1")
            teacher = User.objects.get(username="demo_teacher")
            classes = [
                make_class(s1, 3, 1, teacher),
                make_class(s1, 4, 1, teacher),
                make_class(s2, 3, 1, _teacher(s2)),
            ]
            due: set[tuple[int, dt.date]] = set()
            done: dict[tuple[int, dt.date], bool] = {}
            for o in ops:
                if o[0] == "record":
                    _n, k, d, late = o
                    klass, day = classes[k], DAYS[d]
                    at = dt.datetime.combine(
                        day + dt.timedelta(days=1 if late else 0), dt.time(8, 30), dt.UTC
                    )
                    kind, minutes = _kind(day)
                    with time_machine.travel(at, tick=False):
                        if (klass.pk, day) in done:
                            continue
                        record(klass.head_teacher, class_id=klass.pk, date=day, kind=kind, topic="安全",
                               minutes=minutes, client_id=str(uuid.uuid4()))  # fmt: skip
                    done[(klass.pk, day)] = not late
                    due.add((klass.pk, day))
                elif o[0] == "settle":
                    day = DAYS[o[1]]
                    with time_machine.travel(dt.datetime.combine(day, dt.time(12), dt.UTC), tick=False):
                        settle.settle(day)
                    if day in SCHOOL_DAYS:
                        due.update((k.pk, day) for k in classes)
                else:
                    rollup.fold()
            by_unit = {k.pk: k.unit_path for k in classes}
            for unit in Unit.objects.filter(code__in=CODES):
                got = stats.read_one(unit)
                mine = {(c, d) for c, d in due if by_unit[c].startswith(unit.path)}
                expect_done = {(c, d): v for (c, d), v in done.items() if by_unit[c].startswith(unit.path)}
                assert (got.due, got.done, got.on_day) == (
                    len(mine),
                    len(expect_done),
                    sum(expect_done.values()),
                )
            for k in classes:
                got = stats.read_one(k.unit, grade_id=k.grade_id, class_id=k.pk)
                assert got.due == sum(1 for c, _d in due if c == k.pk)
            assert rollup.reconcile().clean
            rollup.fold()
            assert rollup.reconcile().clean
            raise Rollback
    except Rollback:
        pass
