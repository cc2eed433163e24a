"""The register's cast at demo-c1-k1-s1 (demo_schooladmin and demo_safety keep it) and guards made
through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.guards import services
from safecampus.guards.demo import id_number
from safecampus.guards.models import Guard


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def make_guard(school_admin, school) -> Callable[..., Guard]:
    counter = iter(range(1, 10_000))

    def make(unit: Unit | None = None, actor: User | None = None, **data) -> Guard:
        n = next(counter)
        birth = dt.date(1980, 1, 1 + n % 27)
        fields = {
            "name": f"东港区保安{n}",
            "id_number": id_number(birth, 500 + n),
            "phone": f"1396331{n:04d}",
            "birth_date": birth,
            "employment": "employed",
            "full_time": True,
            "certificate_no": f"T-{n:05d}",
            "certificate_expires": timezone.localdate() + dt.timedelta(days=365),
        }
        fields.update(data)
        return services.add_guard(unit or school, actor=actor or school_admin, data=fields)

    return make
