"""Round rules with a frozen clock: completion, missing, wrong order, too fast; lapsing to
incomplete and missed (the job and lazily when read); the night gap; idempotent generation."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.core.errors import Invalid
from safecampus.patrols import rounds, rules, scanning, services
from safecampus.patrols.models import PatrolRound, PatrolRoute, RoundStatus

from .conftest import DAY, NINE, TZ, scan

pytestmark = pytest.mark.django_db


def nine_round(route):
    return PatrolRound.objects.get(route=route, window_start=NINE)


def test_complete_in_order(guard, route, points):
    batch = [scan(p.code, NINE + dt.timedelta(minutes=2 * i)) for i, p in enumerate(points)]
    scanning.record_scans(guard, batch)
    rnd = nine_round(route)
    assert rnd.status == RoundStatus.COMPLETE and rnd.scanned == 3 and rnd.total == 3
    assert not rnd.flagged and rnd.finished_at == NINE + dt.timedelta(minutes=4)


def test_wrong_order_and_too_fast(guard, route, points):
    a, b, c = points
    scanning.record_scans(guard, [scan(b.code, NINE), scan(a.code, NINE + dt.timedelta(seconds=10)),
                                  scan(c.code, NINE + dt.timedelta(minutes=3))])  # fmt: skip
    rnd = nine_round(route)
    assert rnd.status == RoundStatus.COMPLETE
    assert rnd.flags["wrong_order"] is True
    assert rnd.flags["too_fast"] == [{"from": b.pk, "to": a.pk, "seconds": 10}]


def test_unordered_route_has_no_order_flag(guard, route, points, principal):
    services.update_route(route, actor=principal, data={**route.snapshot(), "ordered": False})
    scanning.record_scans(
        guard, [scan(points[2].code, NINE), scan(points[0].code, NINE + dt.timedelta(minutes=2))]
    )
    assert "wrong_order" not in nine_round(route).flags


def test_incomplete_and_missed(guard, route, points, clock):
    scanning.record_scans(guard, [scan(points[0].code, NINE + dt.timedelta(minutes=1))])
    clock.move_to(dt.datetime(2026, 3, 10, 23, 0, tzinfo=TZ))
    assert rounds.lapse_due() >= 2
    nine = nine_round(route)
    assert nine.status == RoundStatus.INCOMPLETE
    assert nine.flags["missing"] == [points[1].pk, points[2].pk]
    night = PatrolRound.objects.get(route=route, window_start=NINE + dt.timedelta(hours=12))
    assert night.status == RoundStatus.MISSED
    assert rounds.lapse_due() == 0  # nothing left to lapse


def test_lapsed_lazily_when_read(guard, route, points, clock, api_client_for):
    clock.move_to(dt.datetime(2026, 3, 10, 10, 30, tzinfo=TZ))
    r = api_client_for(guard).get("/api/v1/patrols/rounds", {"unit": "demo-c1-k1-s1", "date": "2026-03-10"})
    nine = next(i for i in r.json()["items"] if i["route"] == route.pk)
    assert nine["status"] == "missed"
    assert nine_round(route).status == RoundStatus.MISSED


def test_late_synced_scan_lifts_a_lapsed_round(guard, route, points, clock):
    clock.move_to(dt.datetime(2026, 3, 10, 10, 30, tzinfo=TZ))
    rounds.lapse_due()
    assert nine_round(route).status == RoundStatus.MISSED
    scanning.record_scans(guard, [scan(p.code, NINE + dt.timedelta(minutes=i)) for i, p in enumerate(points)])
    assert nine_round(route).status == RoundStatus.COMPLETE


def test_transition_table():
    S = RoundStatus
    assert rules.allowed(S.OPEN, S.COMPLETE) and rules.allowed(S.MISSED, S.INCOMPLETE)
    assert not rules.allowed(S.COMPLETE, S.INCOMPLETE) and not rules.allowed(S.INCOMPLETE, S.OPEN)
    for status in S.values:
        assert rules.allowed(status, status)


def test_ensure_rounds_idempotent(route, school):
    before = PatrolRound.objects.filter(route=route).count()
    assert before == 2  # today's, made with the route
    assert rounds.ensure_rounds(route, DAY) == []
    made = rounds.ensure_rounds(school, DAY + dt.timedelta(days=1))
    assert len([r for r in made if r.route_id == route.pk]) == 2
    assert rounds.ensure_rounds(school, DAY + dt.timedelta(days=1)) == []
    assert rounds.ensure_all(DAY + dt.timedelta(days=1)) == 0
    assert PatrolRound.objects.filter(route=route).count() == 4


def test_ensure_all_bounded(route, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):  # the fold runs at once in tests
        assert rounds.ensure_all(DAY + dt.timedelta(days=2)) >= 2


@pytest.mark.parametrize(
    ("windows", "gap"),
    [
        (["21:00", "23:00", "01:00", "03:00", "05:00"], 120),
        (["22:00", "02:00"], 240),
        (["12:00"], 480),
        (["21:30", "23:30", "01:30", "03:30", "05:30"], 120),
    ],
)
def test_night_gap(windows, gap):
    assert rules.night_gap_minutes(windows, dt.time(22), dt.time(6)) == gap


def test_night_gap_warning(route, principal, client_for):
    nums = rules.numbers_for(route.unit)
    services.update_route(route, actor=principal, data={**route.snapshot(), "boarding": True})
    assert rules.night_gap_warning(route, nums)  # 09:00 and 21:00 only
    page = client_for(principal).get(f"/patrols/routes/{route.pk}/")
    assert b"night-gap-warning" in page.content
    services.update_route(route, actor=principal, data={**route.snapshot(),
                          "windows": ["21:00", "23:00", "01:00", "03:00", "05:00"]})  # fmt: skip
    assert rules.night_gap_warning(PatrolRoute.objects.get(pk=route.pk), nums) is None


def test_bad_route_input(school, principal, guard):
    with pytest.raises(Invalid):
        services.create_route(school, actor=principal, data={"name": "", "windows": "25:00"})
    with pytest.raises(Invalid):
        services.create_route(school, actor=principal, data={"name": "x", "windows": ""})
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_route(school, actor=guard, data={"name": "x", "windows": "09:00"})
