"""Term plan fixtures: a frozen day in the autumn term of 2026–2027 and the school's plan."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.accounts.models import User
from safecampus.termplan import services

# Thursday 10 September 2026, 10:00 in Shanghai: the autumn term (2026-09-01 – 2027-01-22) runs.
SEPT_10 = dt.datetime(2026, 9, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def in_term():
    with time_machine.travel(SEPT_10, tick=False):
        yield


@pytest.fixture
def plan(in_term, school, principal):
    return services.create_plan(school, actor=principal)
