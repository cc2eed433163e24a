"""Duty roster fixtures: the demo school's people and a clean-slate helper for shifts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safecampus.accounts.models import User

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def schooladmin(demo) -> User:
    return User.objects.get(username="demo_schooladmin")
