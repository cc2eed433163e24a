"""A route of demo-c1-k1-s1 with three checkpoints and rounds at 09:00 and 21:00, on a frozen
clock (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safecampus.patrols import services

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 3, 10)
NINE = dt.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NINE + dt.timedelta(minutes=5), tick=False) as traveller:
        yield traveller


@pytest.fixture
def route(school, principal, clock):
    r = services.create_route(school, actor=principal, data={
        "name": "Test route", "windows": "09:00, 21:00", "round_minutes": 60, "ordered": True,
        "min_seconds_between": 30,
    })  # fmt: skip
    for name in ("Gate", "Hall", "Canteen"):
        services.add_checkpoint(r, actor=principal, data={"name": name})
    return r


@pytest.fixture
def points(route):
    return list(route.checkpoints.order_by("order"))


def scan(code: str, at: dt.datetime, id: str | None = None) -> dict:
    return {"id": id or str(uuid.uuid4()), "checkpoint": code, "at": at.isoformat()}
