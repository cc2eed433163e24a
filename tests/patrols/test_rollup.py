"""The patrol_rounds roll-up equals a recount at every level, before and after the fold."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.core.models import Unit
from safecampus.core.rollups import registered
from safecampus.patrols import rounds, scanning, stats
from safecampus.patrols.models import PatrolRound

from .conftest import NINE, TZ, scan

pytestmark = pytest.mark.django_db


def naive(unit: Unit, month: int) -> dict[str, int]:
    out = dict.fromkeys(stats.COUNTERS, 0)
    for r in PatrolRound.objects.filter(unit_path__startswith=unit.path):
        if stats.month_of(r.window_start) != month:
            continue
        out["rounds"] += 1
        if r.status in ("complete", "incomplete", "missed"):
            out[r.status] += 1
    return out


def test_registered():
    assert "patrol_rounds" in {r.name for r in registered()}


def test_rollup_equals_recount(guard, route, points, clock, school, county_unit):
    scanning.record_scans(guard, [scan(p.code, NINE + dt.timedelta(minutes=i)) for i, p in enumerate(points)])
    rounds.ensure_rounds(school, dt.date(2026, 3, 11))
    clock.move_to(dt.datetime(2026, 3, 11, 23, 59, tzinfo=TZ))
    rounds.lapse_due()
    units = [school, county_unit, Unit.objects.get(code="demo-c1"), Unit.objects.get(code="demo")]
    figures = stats.read(units, 202603, 202603)
    for u in units:
        assert figures[u.pk] == naive(u, 202603), u.code
    assert figures[school.pk]["complete"] >= 1 and figures[school.pk]["missed"] >= 1
    stats.PATROL_ROUNDS.fold()
    assert stats.read(units, 202603, 202603) == figures
    assert stats.PATROL_ROUNDS.reconcile().clean
