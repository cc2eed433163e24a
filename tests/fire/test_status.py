"""Status derivation with frozen dates and the policy's service life by type."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from safecampus.core.policy import load_policy
from safecampus.fire import checks, services
from safecampus.fire.models import FireDevice, Status
from safecampus.fire.queries import status_counts
from safecampus.fire.status import add_months, derive, fire_policy, status_q

from .conftest import cid

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 9, 15, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai


def status_of(device: FireDevice, today: dt.date) -> str:
    device.refresh_from_db()
    rules = fire_policy(device.unit)
    by_query = [
        s
        for s in Status.values
        if FireDevice.objects.filter(status_q(s, rules, today), pk=device.pk).exists()
    ]
    derived = derive(device, rules, today)
    assert by_query == [derived]  # the query and the Python derivation agree
    return derived


def test_add_months_keeps_month_ends():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2016, 2, 29), 120) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 1), -11) == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("kind", "years"),
    [("extinguisher_powder", 10), ("extinguisher_co2", 12), ("extinguisher_water", 6), ("hydrant", None)],
)
def test_service_life_by_type_from_policy(make_device, kind, years):
    with time_machine.travel(NOON, tick=False):
        device = make_device(type=kind, production_date=dt.date(2016, 9, 20))
    want = dt.date(2016 + years, 9, 20) if years else None
    assert device.expires_on == want


def test_expired_failed_due_ok_with_a_frozen_clock(make_device, guard):
    with time_machine.travel(NOON, tick=False):
        made = dt.date(2016, 9, 20)  # dry powder: 10 years → expires 2026-09-20
        device = make_device(production_date=made, last_service_date=dt.date(2026, 3, 1))
        today = timezone.localdate()
        assert status_of(device, today) == Status.DUE  # not checked this month
        checks.record_check(device, actor=guard, data={"client_id": cid(), "result": "pass"})
        assert status_of(device, today) == Status.OK
        checks.record_check(
            device, actor=guard, data={"client_id": cid(), "result": "fail", "note": "压力不足"}
        )
        assert status_of(device, today) == Status.FAILED
        checks.record_check(
            device, actor=guard, data={"client_id": cid(), "result": "pass", "note": "已更换"}
        )
        assert status_of(device, today) == Status.OK
    with time_machine.travel(dt.datetime(2026, 9, 19, 4, tzinfo=dt.UTC), tick=False):
        assert status_of(device, timezone.localdate()) == Status.OK
    with time_machine.travel(dt.datetime(2026, 9, 20, 4, tzinfo=dt.UTC), tick=False):
        assert status_of(device, timezone.localdate()) == Status.EXPIRED  # expiry wins over the rest


def test_month_boundary_in_shanghai_time(make_device, guard):
    # 2026-09-30 17:00 UTC is 10-01 01:00 in Shanghai: a check then counts for October.
    with time_machine.travel(dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC), tick=False):
        device = make_device(production_date=dt.date(2025, 1, 1), last_service_date=dt.date(2026, 6, 1))
        check, _ = checks.record_check(device, actor=guard, data={"client_id": cid(), "result": "pass"})
        assert check.month == 202610
        assert status_of(device, timezone.localdate()) == Status.OK
    assert status_of(device, dt.date(2026, 10, 31)) == Status.OK
    assert status_of(device, dt.date(2026, 11, 1)) == Status.DUE


def test_service_due_and_service_record_fixes(make_device, guard, safety):
    with time_machine.travel(NOON, tick=False):
        device = make_device(production_date=dt.date(2024, 1, 1), last_service_date=dt.date(2025, 9, 1))
        assert device.service_due_on == dt.date(2026, 9, 1)
        checks.record_check(
            device, actor=guard, data={"client_id": cid(), "result": "fail", "note": "喷管老化"}
        )
        today = timezone.localdate()
        assert status_of(device, today) == Status.FAILED
        services.record_service(device, actor=safety, data={"date": today, "note": "更换喷管"})
        device.refresh_from_db()
        assert not device.failed and device.service_due_on == dt.date(2027, 9, 15)
        assert status_of(device, today) == Status.OK


def test_a_policy_override_changes_service_life(make_device, school, demo):
    from safecampus.accounts.models import User

    province_admin = User.objects.get(username="demo_province")
    load_policy(
        school,
        {"fire": {"service_life_years": {"extinguisher_powder": 8}}},
        actor=province_admin,
        version="fire-8",
        effective_from=dt.date(2020, 1, 1),
    )
    device = make_device(production_date=dt.date(2020, 5, 1))
    assert device.expires_on == dt.date(2028, 5, 1)


def test_counts_by_status(make_device, guard, school):
    with time_machine.travel(NOON, tick=False):
        make_device(production_date=dt.date(2010, 1, 1))  # expired
        ok = make_device(last_service_date=dt.date(2026, 5, 1))
        checks.record_check(ok, actor=guard, data={"client_id": cid(), "result": "pass"})
        bad = make_device(last_service_date=dt.date(2026, 5, 1))
        checks.record_check(bad, actor=guard, data={"client_id": cid(), "result": "fail", "note": "x"})
        make_device()  # never checked: due
        counts = status_counts(
            FireDevice.objects.filter(unit=school), fire_policy(school), timezone.localdate()
        )
    assert counts == {"expired": 1, "failed": 1, "due": 1, "ok": 1}
