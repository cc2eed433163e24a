"""The check statistics page and export: totals, ranking worst first with drill-down, months,
patrol figures, navigation, outsiders 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from safecampus.checks.models import TaskStatus
from safecampus.core import nav
from safecampus.core.models import Unit

from .stats_helpers import create, schedule_at, settle, submit

pytestmark = pytest.mark.django_db
PAGE = "/checks/stats/"
NOW = dt.datetime(2031, 11, 20, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def figures(school):
    s1, s2 = school, Unit.objects.get(code="demo-c1-k1-s2")
    base = dt.datetime(2031, 11, 2, 1, 0, tzinfo=dt.UTC)
    a, b = schedule_at(s1), schedule_at(s2)
    submit(create(a, s1, base), failed=1, hazards=1)
    settle(create(a, s1, base + dt.timedelta(days=1)), TaskStatus.MISSED)  # s1: 50 %
    submit(create(b, s2, base))  # s2: 100 %


@time_machine.travel(NOW, tick=False)
def test_county_page_ranks_schools_worst_first(client_for, county, figures):
    r = client_for(county).get(PAGE, {"unit": "demo-c1-k1"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="fig-due">3<' in html and 'id="fig-missed">2<' not in html
    ranked = [row["unit"].code for row in r.context["ranked"].rows]
    assert ranked == ["demo-c1-k1-s1", "demo-c1-k1-s2"]  # s3 had nothing due: not listed
    assert r.context["ranked"].others == 1
    assert "unit=demo-c1-k1-s1" in html  # drill-down
    assert "patrols" in r.context and r.context["patrols"] is not None


@time_machine.travel(NOW, tick=False)
def test_school_page_and_months(client_for, principal, figures):
    r = client_for(principal).get(PAGE, {"unit": "demo-c1-k1-s1", "from": "2031-11", "to": "2031-11"})
    assert r.status_code == 200
    assert r.context["totals"].due == 2 and r.context["totals"].completion_rate == 0.5
    assert r.context["ranked"] is None
    r = client_for(principal).get(PAGE, {"unit": "demo-c1-k1-s1", "from": "2030-01", "to": "2030-01"})
    assert r.context["totals"].due == 0 and "—" in r.content.decode()


def test_bad_month_is_a_warning_not_an_error(client_for, county):
    r = client_for(county).get(PAGE, {"unit": "demo-c1-k1", "from": "2031-99"}, follow=True)
    assert r.status_code == 200
    assert any("YYYY-MM" in str(m) for m in r.context["messages"])


@time_machine.travel(NOW, tick=False)
def test_export(client_for, county, figures):
    r = client_for(county).get(PAGE + "export.xlsx", {"unit": "demo-c1-k1"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    codes = [row[1] for row in rows if row and row[1] and str(row[1]).startswith("demo-c1-k1")]
    assert codes == ["demo-c1-k1", "demo-c1-k1-s1", "demo-c1-k1-s2", "demo-c1-k1-s3"]


@pytest.mark.parametrize("path", [PAGE, PAGE + "export.xlsx"])
@pytest.mark.parametrize("code", ["demo-c1-k1", "demo-c1-k1-s1", "nope"])
def test_outsider_404(client_for, outsider, path, code):
    assert client_for(outsider).get(path, {"unit": code}).status_code == 404


def test_nav_for_bureaus_and_school_managers(county, principal, head_teacher):
    item = next(i for i in nav.registered() if i.url_name == "check_stats:dashboard")
    assert nav.shown(item.who, county, None)
    assert nav.shown(item.who, principal, None)
    assert not nav.shown(item.who, head_teacher, None)
