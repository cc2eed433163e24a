"""The `fire_devices` roll-up equals a naive recount at every level, follows edits, retirements
and checks, is listed by `safecampus rollups list`, and reconciles clean."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from safecampus.core.models import Unit
from safecampus.core.rollups import get
from safecampus.fire import checks, rollup, services
from safecampus.fire.models import DeviceCheck, FireCell, FireDevice, State

from .conftest import cid

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 10, 28, 2, tzinfo=dt.UTC)


def naive(unit: Unit, month: int) -> dict[str, int]:
    devices = FireDevice.objects.filter(unit_path__startswith=unit.path, state=State.IN_SERVICE)
    month_checks = DeviceCheck.objects.filter(unit_path__startswith=unit.path, month=month)
    return {
        "devices": devices.count(),
        "failed": devices.filter(failed=True).count(),
        "checks": month_checks.count(),
        "checked": month_checks.values("device").distinct().count(),
        "failures": month_checks.filter(result="fail").count(),
    }


def figures(unit: Unit, month: int) -> dict[str, int]:
    now = rollup.read([unit]).get((unit.pk,), {})
    then = rollup.read([unit], months=(month, month)).get((unit.pk,), {})
    return {
        "devices": now.get("devices", 0),
        "failed": now.get("failed", 0),
        "checks": then.get("checks", 0),
        "checked": then.get("checked", 0),
        "failures": then.get("failures", 0),
    }


def history(make_device, guard, safety, k2_school, outsider_principal) -> None:
    with time_machine.travel(T0, tick=False):
        a, b, c = make_device(), make_device(type="hydrant"), make_device(type="smoke_detector")
        other = make_device(unit=k2_school, actor=outsider_principal)
        for device in (a, b, other):
            checks.record_check(
                device,
                actor=guard if device is not other else outsider_principal,
                data={"client_id": cid(), "result": "pass"},
            )
        checks.record_check(a, actor=guard, data={"client_id": cid(), "result": "fail", "note": "x"})
        checks.record_check(c, actor=guard, data={"client_id": cid(), "result": "fail", "note": "y"})
        services.edit_device(b, actor=safety, data={"type": "sprinkler"})
        services.retire_device(c, actor=safety)
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):  # November
        checks.record_check(a, actor=guard, data={"client_id": cid(), "result": "pass"})
        checks.record_check(a, actor=guard, data={"client_id": cid(), "result": "pass"})


def test_every_level_equals_a_naive_count(make_device, guard, safety, k2_school, outsider_principal):
    history(make_device, guard, safety, k2_school, outsider_principal)
    levels = Unit.objects.filter(
        code__in=["demo", "demo-c1", "demo-c1-k1", "demo-c1-k2", "demo-c1-k1-s1", "demo-c1-k2-s1"]
    )
    for unit in levels:
        for month in (202610, 202611):
            assert figures(unit, month) == naive(unit, month), (unit.code, month)
    province = Unit.objects.get(code="demo")
    assert figures(province, 202610)["checked"] == 4 and figures(province, 202611)["checked"] == 1
    assert get("fire_devices").reconcile().clean


def test_reconcile_finds_drift_and_rebuild_mends_it(make_device, guard, capsys):
    checks.record_check(make_device(), actor=guard, data={"client_id": cid(), "result": "pass"})
    fire = get("fire_devices")
    fire.fold()
    assert fire.reconcile().clean
    cell = FireCell.objects.filter(devices__gt=0).first()
    FireCell.objects.filter(pk=cell.pk).update(devices=cell.devices + 1)
    assert not fire.reconcile().clean
    fire.rebuild()
    assert fire.reconcile().clean


def test_listed_by_the_command(capsys, demo):
    call_command("rollups", "list")
    out = capsys.readouterr().out
    assert "fire_devices\tfire_firecell\tdevices,failed,checks,checked,failures" in out


def test_the_figures_other_pages_read_equal_the_register(
    make_device, guard, safety, k2_school, outsider_principal
):
    """`fire.stats.read` (the check statistics page's source): devices, failed, checked in the
    months and expired now, per unit, equal the naive counts."""
    from safecampus.fire import stats

    history(make_device, guard, safety, k2_school, outsider_principal)
    make_device(production_date=dt.date(2000, 1, 1))  # long past its service life: expired
    county = Unit.objects.get(code="demo-c1-k1")
    got = stats.read([county], 202610, 202611)[county.pk]
    oct_, nov = naive(county, 202610), naive(county, 202611)
    live = FireDevice.objects.filter(unit_path__startswith=county.path, state=State.IN_SERVICE)
    assert got["devices"] == live.count() and got["failed"] == oct_["failed"]
    assert got["checked"] == oct_["checked"] + nov["checked"]
    assert got["expired"] == live.filter(expires_on__lte=dt.date.today()).count() >= 1
