"""Property: whatever happens to the registers (items added, changed, retired, tested pass or
fail, closed management confirmed or withdrawn, guard staffing changing), with the roll-up folded
at random moments, the three-100% board of every level equals a naive recount of every school
derived from scratch (pending deltas included), the cells equal the engine's recount, and
replaying the fold changes nothing."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.accounts.models import User
from safecampus.core.models import Unit, UnitKind
from safecampus.defence import board, closed, facts, services, testing
from safecampus.defence.rollup import INDICATORS, THREE100
from safecampus.defence.stats_models import Three100Cell

from .conftest import jpeg

CODES = ["demo", "demo-c1", "demo-c1-k1", "demo-c1-k2", "demo-c1-k1-s1", "demo-c1-k2-s1"]
SCHOOLS = ["demo-c1-k1-s1", "demo-c1-k2-s1"]
KINDS = ["gate_barrier", "one_click_alarm", "cctv", "steel_fork"]

op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 1), st.integers(0, 3), st.integers(1, 6), st.booleans()),
    st.tuples(st.just("link"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("quantity"), st.integers(0, 30), st.integers(1, 6)),
    st.tuples(st.just("retire"), st.integers(0, 30)),
    st.tuples(st.just("test"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("closed"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("staff"), st.integers(0, 1), st.booleans()),
    st.just(("fold",)),
)


class Rollback(Exception):
    pass


def naive(unit: Unit, staffed: set[int]) -> dict:
    schools = Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.SCHOOL, is_active=True)
    counts = dict.fromkeys(INDICATORS, 0)
    n = 0
    for school in schools:
        n += 1
        for k, v in facts.derive(school, staffed=school.pk in staffed).items():
            counts[k] += int(v)
    return {"schools": n, **counts}


def check_every_level(staffed: set[int]) -> None:
    for code in CODES:
        unit = Unit.objects.get(code=code)
        got = board.row(unit).as_dict()
        assert {k: got[k] for k in ("schools", *INDICATORS)} == naive(unit, staffed), code
        assert got == board.recount(unit), code


def cells() -> list:
    return sorted(Three100Cell.objects.values_list("unit_id", "level", "facts", *INDICATORS))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=14))
def test_board_equals_the_recount(demo, monkeypatch, ops):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # fold only on "fold"
    staffed: set[int] = set()
    monkeypatch.setattr(
        "safecampus.defence.facts._staffing", lambda schools: {s.pk: s.pk in staffed for s in schools}
    )
    keepers = {
        "demo-c1-k1-s1": User.objects.get(username="demo_safety"),
        "demo-c1-k2-s1": User.objects.get(username="demo_principal2"),
    }
    try:
        with transaction.atomic():
            schools = [Unit.objects.get(code=c) for c in SCHOOLS]
            items = []
            for name, *args in ops:
                if name == "add":
                    school = schools[args[0]]
                    data = {
                        "kind": KINDS[args[1]],
                        "quantity": args[2],
                        "location": "校门",
                        "police_linked": args[3],
                    }
                    items.append(services.add_equipment(school, actor=keepers[school.code], data=data))
                elif name in ("link", "quantity", "retire", "test") and items:
                    item = items[args[0] % len(items)]
                    item.refresh_from_db()
                    if item.state != "in_service":
                        continue
                    actor = keepers[item.unit.code]
                    if name == "link":
                        services.edit_equipment(item, actor=actor, data={"police_linked": args[1]})
                    elif name == "quantity":
                        services.edit_equipment(item, actor=actor, data={"quantity": args[1]})
                    elif name == "retire":
                        services.retire_equipment(item, actor=actor)
                    else:
                        data = {
                            "client_id": str(uuid.uuid4()),
                            "result": "pass" if args[1] else "fail",
                            "note": "x",
                        }
                        testing.record_test(item, actor=actor, data=data)
                elif name == "closed":
                    school = schools[args[0]]
                    closed.confirm(school, actor=keepers[school.code], confirmed=args[1], evidence=jpeg())
                elif name == "staff":
                    school = schools[args[0]]
                    (staffed.add if args[1] else staffed.discard)(school.pk)
                    facts.staffing_changed(school=school)
                elif name == "fold":
                    THREE100.fold()
            check_every_level(staffed)  # cells + pending deltas
            drift = THREE100.reconcile()
            assert drift.clean, drift.as_dict()
            check_every_level(staffed)
            before = cells()
            assert THREE100.fold() == 0
            assert cells() == before
            raise Rollback
    except Rollback:
        pass
