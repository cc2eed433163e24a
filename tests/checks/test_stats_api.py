"""GET /api/v1/inspections/stats and /stats/children: shapes, rates, windows, errors, outsiders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.checks.counting import INSPECTIONS
from safecampus.checks.models import TaskStatus
from safecampus.core.models import Unit

from .stats_helpers import create, schedule_at, settle, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/inspections/stats"
NOW = dt.datetime(2031, 11, 20, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def figures(school):
    """demo-c1-k1-s1 in November 2031: 3 due (2 done, one on time; 1 missed), 1 open, 1
    cancelled; 3 failed items and 2 hazards raised; one done in October."""
    s = schedule_at(school)
    base = dt.datetime(2031, 11, 2, 1, 0, tzinfo=dt.UTC)
    t = [create(s, school, base + dt.timedelta(days=i)) for i in range(5)]
    submit(t[0], on_time=True, failed=2, hazards=2)
    submit(t[1], on_time=False, failed=1)
    settle(t[2], TaskStatus.MISSED)
    settle(t[4], TaskStatus.CANCELLED)
    submit(create(s, school, dt.datetime(2031, 10, 9, 1, 0, tzinfo=dt.UTC)))
    return t


def totals(**kw):
    out = {"due": 0, "done": 0, "on_time": 0, "missed": 0, "failed_items": 0, "hazards_raised": 0,
           "completion_rate": None, "on_time_rate": None}  # fmt: skip
    out.update(kw)
    return out


NOVEMBER = totals(due=3, done=2, on_time=1, missed=1, failed_items=3, hazards_raised=2,
                  completion_rate=0.666667, on_time_rate=0.333333)  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_unit_totals_default_to_this_month(api_client_for, county, province, figures):
    r = api_client_for(county).get(URL, {"unit": "demo-c1-k1-s1"})
    assert r.status_code == 200, r.content
    assert r.json() == {"unit": "demo-c1-k1-s1", "name": Unit.objects.get(code="demo-c1-k1-s1").name,
                        "totals": NOVEMBER}  # fmt: skip
    # The county and the province count the school's tasks too, before and after the fold.
    for fold in (False, True):
        if fold:
            INSPECTIONS.fold()
        assert api_client_for(county).get(URL, {"unit": "demo-c1-k1"}).json()["totals"] == NOVEMBER
        assert api_client_for(province).get(URL, {"unit": "demo"}).json()["totals"] == NOVEMBER


@time_machine.travel(NOW, tick=False)
def test_month_range(api_client_for, county, figures):
    c = api_client_for(county)
    both = c.get(URL, {"unit": "demo-c1-k1-s1", "from": "2031-10", "to": "2031-11"}).json()["totals"]
    assert both["due"] == 4 and both["done"] == 3 and both["on_time"] == 2
    october = c.get(URL, {"unit": "demo-c1-k1-s1", "from": "2031-10", "to": "2031-10"}).json()["totals"]
    assert october == totals(due=1, done=1, on_time=1, completion_rate=1.0, on_time_rate=1.0)


@time_machine.travel(NOW, tick=False)
def test_rates_are_null_when_nothing_was_due(api_client_for, county):
    r = api_client_for(county).get(URL, {"unit": "demo-c1-k1-s2", "from": "2020-01", "to": "2020-02"})
    assert r.status_code == 200
    assert r.json()["totals"] == totals()


@time_machine.travel(NOW, tick=False)
def test_children(api_client_for, county, figures):
    r = api_client_for(county).get(f"{URL}/children", {"unit": "demo-c1-k1"})
    assert r.status_code == 200, r.content
    rows = {row["unit"]: row for row in r.json()}
    assert set(rows) == {"demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k1-s3"}
    assert rows["demo-c1-k1-s1"]["totals"] == NOVEMBER
    assert rows["demo-c1-k1-s2"]["totals"] == totals()
    assert api_client_for(county).get(f"{URL}/children", {"unit": "demo-c1-k1-s1"}).json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-13"}, "from"), ({"to": "26-01"}, "to"), ({"from": "2031-11", "to": "2031-10"}, "from")],
)
def test_bad_month_is_400(api_client_for, county, params, field):
    for path in (URL, f"{URL}/children"):
        r = api_client_for(county).get(path, {"unit": "demo-c1-k1", **params})
        assert r.status_code == 400, r.content
        assert r.json()["field"] == field and r.json()["detail"]


@pytest.mark.parametrize("code", ["demo-c1-k1", "demo-c1-k1-s1", "no-such-unit", "demo-c1"])
def test_outsider_404(api_client_for, outsider, code):
    for path in (URL, f"{URL}/children"):
        assert api_client_for(outsider).get(path, {"unit": code}).status_code == 404


def test_school_staff_read_their_school_only(api_client_for, principal):
    c = api_client_for(principal)
    assert c.get(URL, {"unit": "demo-c1-k1-s1"}).status_code == 200
    assert c.get(URL, {"unit": "demo-c1-k1-s2"}).status_code == 404
    assert c.get(URL, {"unit": "demo-c1-k1"}).status_code == 404


def test_anonymous_401(client):
    assert client.get(URL, {"unit": "demo-c1-k1"}).status_code == 401
