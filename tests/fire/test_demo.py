"""The demo register: about 30 devices at demo-c1-k1-s1, two expired, checks over six weeks, one failed
check that became a hazard; the roll-up reconciles clean."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.rollups import get
from safecampus.fire import demo
from safecampus.fire.models import DeviceCheck, FireDevice
from safecampus.fire.queries import status_counts
from safecampus.fire.status import fire_policy

pytestmark = pytest.mark.django_db


def test_demo_school(school):
    made = demo.load_school(school, User.objects.get(username="demo_operator"))
    assert made > 30
    devices = FireDevice.objects.filter(unit=school)
    assert devices.count() == len(demo.LAYOUT) >= 30
    counts = status_counts(devices, fire_policy(school))
    assert counts["expired"] == 2 and counts["failed"] == 1
    failed = DeviceCheck.objects.filter(unit=school, result="fail")
    assert failed.count() == 1 and failed.get().hazard_id and failed.get().checked_by.username == "demo_guard"
    oldest = DeviceCheck.objects.filter(unit=school).order_by("at").first().at
    assert 30 <= (timezone.now() - oldest).days <= 42
    assert demo.load_school(school, User.objects.get(username="demo_operator")) == 0  # idempotent
    assert get("fire_devices").reconcile().clean
