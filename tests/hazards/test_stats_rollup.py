"""Hazard statistics: the cells rolled up to every level equal a naive count, figures are exact
while deltas are pending, replaying the fold changes nothing, and the reconciliation finds
injected drift which a rebuild repairs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from safecampus.hazards import figures, recount, rollup
from safecampus.hazards.models import Grade, Hazard
from safecampus.hazards.stats_models import HazardCell, HazardDelta

from .stats_helpers import Cast, levels, naive

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 10, 30, 9, 0, tzinfo=dt.UTC)


def history(cast: Cast) -> None:
    """A small history over two months and two counties: every kind of ending."""
    with time_machine.travel(T0, tick=False):
        closed = cast.run(cast.report(0), 0, 0, 0, 0, 0)  # confirm, assign, start, submit, verify
        cast.run(cast.report(0, category="utilities"), 1)  # rejected
        cast.run(cast.report(1, source="self_check"), 2)  # fixed on the spot
        late = cast.run(cast.report(0, grade=Grade.MAJOR), 0, 0, 0)  # rectifying, deadline in 3 days
        cast.run(cast.report(1), 0, 0)  # assigned
        cast.report(1, grade=Grade.MAJOR)  # reported
        sent_back = cast.run(cast.report(0, source="staff_report"), 0, 0, 0, 0, 1)  # sent back
    with time_machine.travel(T0 + dt.timedelta(days=5), tick=False):  # November, past the deadline
        cast.run(late, 0, 0)  # submitted late, accepted
        cast.run(sent_back, 0)
        cast.run(cast.report(0), 0, 0)
    assert closed.status == "closed"


def totals(unit, window=figures.Window()) -> dict:
    return figures.summaries([unit], window)[unit.pk].as_dict()


def test_every_level_equals_a_naive_count(demo):
    cast = Cast()
    history(cast)
    assert not HazardDelta.objects.exists()  # folded after each commit
    for unit in levels():
        assert totals(unit) == naive(unit), unit.code
        b = figures.breakdown(unit, figures.Window())
        assert b.totals.as_dict() == naive(unit)
        for grade, s in b.by_grade.items():
            assert s.reported == naive(unit, grade=grade)["reported"]
        for month, s in b.by_month.items():
            want = naive(unit, (month, month))
            assert (s.reported, s.closed, s.closures) == (want["reported"], want["closed"], want["closures"])
    province = levels()[0]
    assert totals(province)["closed_on_time"] == 1 and totals(province)["closed_with_deadline"] == 2
    window = figures.Window(start=202611, end=202611, category="fire")
    assert totals(province, window) == naive(province, (202611, 202611), category="fire")
    assert recount.reconcile().clean


def test_figures_are_exact_while_deltas_are_pending(demo, monkeypatch):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)
    cast = Cast()
    history(cast)
    assert HazardDelta.objects.exists() and not HazardCell.objects.exists()
    for unit in levels():
        assert totals(unit) == naive(unit), unit.code
    half = HazardDelta.objects.order_by("id").values_list("id", flat=True)[5]
    kept = list(HazardDelta.objects.filter(id__gte=half))
    HazardDelta.objects.filter(id__gte=half).delete()
    rollup.apply_pending()
    HazardDelta.objects.bulk_create(kept)  # half folded, half pending
    for unit in levels():
        assert totals(unit) == naive(unit), unit.code
    assert rollup.apply_pending() == len(kept)
    before = sorted(HazardCell.objects.values_list("unit_id", "month", "status", "hazards", "closures"))
    assert rollup.apply_pending() == 0  # replaying the fold changes nothing
    assert (
        sorted(HazardCell.objects.values_list("unit_id", "month", "status", "hazards", "closures")) == before
    )
    assert recount.reconcile().clean


def test_reconcile_finds_drift_and_rebuild_repairs_it(demo, capsys):
    cast = Cast()
    history(cast)
    call_command("hazard_stats_reconcile")
    cell = HazardCell.objects.filter(hazards__gt=0).first()
    HazardCell.objects.filter(pk=cell.pk).update(hazards=cell.hazards + 1)
    HazardCell.objects.create(
        unit_id=cell.unit_id,
        month=209901,
        grade="general",
        category="fire",
        source="patrol",
        status="closed",
        closures=1,
    )
    drift = recount.reconcile()
    assert drift.cells_missing == 1 and drift.cells_extra == 1 and drift.samples
    with pytest.raises(CommandError):
        call_command("hazard_stats_reconcile")
    call_command("hazard_stats_reconcile", "--rebuild")
    assert recount.reconcile().clean
    call_command("hazard_stats_reconcile")


def test_a_moved_school_counts_under_its_new_county(demo):
    from safecampus.accounts.models import User
    from safecampus.core.models import Unit
    from safecampus.core.services import move_unit

    cast = Cast()
    history(cast)
    k1, k2 = Unit.objects.get(code="demo-c1-k1"), Unit.objects.get(code="demo-c1-k2")
    before = totals(k1)["reported"] + totals(k2)["reported"]
    move_unit(cast.schools[0], k2, actor=User.objects.get(username="demo_operator"))
    k1.refresh_from_db()
    k2.refresh_from_db()
    assert totals(k1)["reported"] == 0 and totals(k2)["reported"] == before
    assert totals(k2) == naive(k2)
    assert recount.reconcile().clean
    assert Hazard.objects.filter(unit_path__startswith=k2.path).count() == before
