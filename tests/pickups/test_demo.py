"""The pickups demo: demo_student's grandmother until this Friday, an expired delegate, today's
pickups at demo-c1-k1-s1; loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safecampus.pickups.demo import load_pickups_demo, this_friday
from safecampus.pickups.models import Pickup, PickupPerson

pytestmark = pytest.mark.django_db


def test_demo_idempotent(pupil):
    load_pickups_demo()
    load_pickups_demo()
    people = PickupPerson.objects.filter(student=pupil)
    today = timezone.localdate()
    assert people.count() == 2
    assert people.get(relation="奶奶").valid_until == this_friday(today)
    assert people.get(relation="邻居").valid_until < today
    assert Pickup.objects.filter(unit__code="demo-c1-k1-s1", day=today).exists()
