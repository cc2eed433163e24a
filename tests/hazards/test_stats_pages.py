"""Hazard statistics API and page: figures as a user, scoping (outsiders get 404 and no data),
bad input answered with a message, the page for a county and a school, and the Excel content."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .stats_helpers import Cast, naive
from .test_stats_rollup import history

pytestmark = pytest.mark.django_db
API = "/api/v1/hazards/stats"
PAGE = "/hazards/stats/"


@pytest.fixture
def made(demo):
    cast = Cast()
    history(cast)
    return cast


def test_api_figures_of_a_county_and_its_schools(made, county, county_unit, api_client_for):
    api = api_client_for(county)
    r = api.get(API, {"unit": "demo-c1-k1"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["totals"] == naive(county_unit)
    assert body["by_status"]["closed"] == body["totals"]["closed"]
    assert sum(body["by_status"].values()) == body["totals"]["reported"]
    assert sum(g["reported"] for g in body["by_grade"].values()) == body["totals"]["reported"]
    assert [m["month"] for m in body["by_month"]] == ["2026-10", "2026-11"]
    r = api.get(f"{API}/children", {"unit": "demo-c1-k1", "category": "fire"})
    assert r.status_code == 200
    rows = {c["unit"]: c["figures"] for c in r.json()}
    from safecampus.core.models import Unit

    s1 = Unit.objects.get(code="demo-c1-k1-s1")
    assert rows["demo-c1-k1-s1"] == naive(s1, category="fire")
    r = api.get(API, {"unit": "demo-c1-k1", "from": "2026-11", "to": "2026-11"})
    assert r.json()["totals"] == naive(county_unit, (202611, 202611))


@pytest.mark.parametrize("path", ["", "/children"])
def test_api_outsider_and_bad_input(made, outsider, county, api_client_for, path):
    r = api_client_for(outsider).get(API + path, {"unit": "demo-c1-k1"})
    assert r.status_code == 404 and "demo-c1-k1" not in r.content.decode()
    r = api_client_for(outsider).get(API + path, {"unit": "demo-c1-k1-s1"})
    assert r.status_code == 404
    api = api_client_for(county)
    assert api.get(API + path, {"unit": "no-such-unit"}).status_code == 404
    assert api.get(API + path, {"unit": "Bad Code!"}).status_code == 422
    assert api.get(API + path, {"unit": "demo-c1-k1", "from": "2026-13"}).status_code == 400
    assert api.get(API + path, {"unit": "demo-c1-k1", "from": "26-1"}).status_code == 422
    assert api.get(API + path, {"unit": "demo-c1-k1", "from": "2026-11", "to": "2026-10"}).status_code == 400
    r = api.get(API + path, {"unit": "demo-c1-k1", "grade": "huge"})
    assert r.status_code == 400 and r.json()["field"] == "grade"
    assert api.get(API + path, {"unit": "demo-c1-k1", "source": "x"}).status_code == 400


def test_hazard_detail_route_still_answers(made, county, api_client_for):
    from safecampus.hazards.models import Hazard

    h = Hazard.objects.filter(unit__code="demo-c1-k1-s1").first()
    assert api_client_for(county).get(f"/api/v1/hazards/{h.pk}").status_code == 200


def test_page_for_the_county(made, county, client_for):
    c = client_for(county)
    r = c.get(PAGE)  # a bureau lands on its own unit
    assert r.status_code == 200
    html = r.content.decode()
    assert "东港区" in html and 'id="ranking"' in html and "chart-trend" in html
    assert "demo-c1-k1-s1" in html  # drill-down links to the schools
    r = c.get(PAGE, {"unit": "demo-c1-k1", "sort": "overdue", "grade": "nonsense", "from": "x"})
    assert r.status_code == 200  # bad filters are reported and ignored
    assert "Select a valid choice" in r.content.decode() and "YYYY-MM" in r.content.decode()


def test_page_for_the_school(made, principal, client_for):
    r = client_for(principal).get(PAGE)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="place-name">' in html and 'id="ranking"' not in html and 'id="by-status"' in html


@pytest.mark.parametrize("url", [PAGE, PAGE + "export/tables.xlsx", PAGE + "export/units.xlsx"])
def test_outsider_gets_404(made, outsider, outsider_principal, client_for, url):
    for who in (outsider, outsider_principal):
        r = client_for(who).get(url, {"unit": "demo-c1-k1"})
        assert r.status_code == 404 and "东港区" not in r.content.decode()
    if url == PAGE:  # without a unit, outsiders land on their own unit and see nothing of k1
        for who in (outsider, outsider_principal):
            r = client_for(who).get(url)
            assert r.status_code == 200 and "东港区" not in r.content.decode()
            assert "demo-c1-k1" not in r.content.decode()


def _sheet(response) -> list[tuple]:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(wb.active.iter_rows(values_only=True))


def test_excel_tables_and_ranking(made, county, county_unit, client_for):
    c = client_for(county)
    r = c.get(PAGE + "export/tables.xlsx", {"unit": "demo-c1-k1"})
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    rows = _sheet(r)
    want = naive(county_unit)
    totals = next(row for row in rows if row[0] == "Totals")
    assert totals[2:6] == (want["reported"], want["valid"], want["rejected"], want["closed"])
    assert any(row[0] == "By status" and row[1] == "Closed" and row[2] == want["closed"] for row in rows)
    assert any(row[0] == "By month of reporting" and row[1] == "2026-11" for row in rows)
    rows = _sheet(c.get(PAGE + "export/units.xlsx", {"unit": "demo-c1-k1"}))
    header = rows.index(next(row for row in rows if row[0] == "Rank"))
    units = rows[header + 1 :]
    assert [u[0] for u in units] == list(range(1, len(units) + 1))
    school = county_unit.get_children().get(code="demo-c1-k1-s1")
    s1 = next(u for u in units if u[1] == school.name)
    assert s1[2] == naive(school)["reported"] and s1[10] == naive(school)["overdue"]
