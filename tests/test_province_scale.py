"""Bureau pages never render every school of the area: they rank schools by the page's key figure
and page, and choosing a school is a search (server-side, and `GET /org/schools/search`)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.utils import timezone

from safecampus.core.models import Unit, UnitKind
from safecampus.core.ranking import RANK_PER_PAGE, SEARCH_LIMIT
from safecampus.hazards.models import Grade, Hazard, Status
from safecampus.hazards.report_views import SELECT_MAX
from safecampus.risks.models import Level, RiskPoint
from safecampus.risks.models import Status as PointStatus

MANY = SELECT_MAX + 5  # more schools than any page may list or put in a <select>


@pytest.fixture
def many_schools(county_unit) -> list[Unit]:
    """MANY more schools in demo-c1-k1, each with an open hazard and a reported risk point."""
    schools = [
        county_unit.add_child(
            code=f"demo-c1-k1-x{i:03d}", name=f"东港区第{i + 1}测试学校", kind=UnitKind.SCHOOL
        )
        for i in range(MANY)
    ]
    now = timezone.now()
    hazards, points = [], []
    for i, school in enumerate(schools):
        grade = Grade.MAJOR if i % 7 == 0 else Grade.GENERAL
        h = Hazard(source="patrol", category="fire", location="操场", description="围栏松动", grade=grade,
                   status=Status.REPORTED, reported_at=now, status_changed_at=now)  # fmt: skip
        h.set_unit(school)
        hazards.append(h)
        level = Level.HIGH if i % 5 else Level.MAJOR
        p = RiskPoint(name="实验室", category="laboratory", location="实验楼", control_level="school",
                      method="LEC", score=200, level=level, status=PointStatus.CONFIRMED,
                      policy_version="test")  # fmt: skip
        p.set_unit(school)
        points.append(p)
    Hazard.objects.bulk_create(hazards)
    RiskPoint.objects.bulk_create(points)
    from safecampus.hazards import recount
    from safecampus.risks.counts import RISKS

    recount.rebuild()  # written in bulk: the statistics' cells recounted from the hazards
    RISKS.rebuild()  # and the risk points' cells
    return schools


def rows(body: str) -> int:
    table = body.split('id="schools-table"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr>") - 1  # the header row


@pytest.mark.django_db
def test_hazard_hub_ranks_schools_and_pages(client_for, county, many_schools, django_assert_max_num_queries):
    c = client_for(county)
    with django_assert_max_num_queries(30):  # the same at any number of schools
        body = c.get("/hazards/").content.decode()
    assert rows(body) == RANK_PER_PAGE
    # worst first: the schools with a major hazard open come before the others
    first = re.search(r'id="schools-table".*?<tbody>\s*<tr><td><a href="/hazards/units/(\d+)/"', body, re.S)
    assert Hazard.objects.filter(unit_id=int(first.group(1)), grade=Grade.MAJOR).exists()
    assert 'id="schools-others"' in body  # the demo's schools without open hazards: counted, not listed
    last = c.get("/hazards/", {"units_page": 99}).content.decode()
    assert 0 < rows(last) <= RANK_PER_PAGE and "units_page=1" in last
    assert "<select" not in body.split('id="hub"', 1)[1]


@pytest.mark.django_db
def test_risk_overview_ranks_schools_and_pages(client_for, county, county_unit, many_schools):
    body = client_for(county).get(f"/risks/units/{county_unit.pk}/").content.decode()
    assert rows(body) == RANK_PER_PAGE
    assert 'id="school-search"' in body and "units_page=2" in body


@pytest.mark.django_db
def test_supervision_overview_lists_no_schools_but_searches(client_for, county, county_unit, many_schools):
    c = client_for(county)
    body = c.get(f"/supervision/units/{county_unit.pk}/").content.decode()
    assert body.count("/supervision/schools/") < 10  # no button per school
    found = c.get(f"/supervision/units/{county_unit.pk}/", {"school_q": "第12测试"}).content.decode()
    assert f"/supervision/schools/{many_schools[11].pk}/" in found
    chooser = c.get("/supervision/letters/new/", {"kind": "assignment"}).content.decode()
    assert 'name="school_q"' in chooser and 'name="school"' not in chooser


@pytest.mark.django_db
def test_school_search_is_bounded_and_scoped(client_for, county, outsider, county_unit, many_schools):
    c = client_for(county)
    data = c.get("/org/schools/search", {"q": "测试学校"}).json()["results"]
    assert len(data) == SEARCH_LIMIT and all("测试学校" in r["name"] for r in data)
    assert data[0]["parent"] == county_unit.name
    by_code = c.get("/org/schools/search", {"q": "DEMO-C1-K1-X007"}).json()["results"]
    assert [r["id"] for r in by_code] == [many_schools[7].pk]
    assert c.get("/org/schools/search", {"q": ""}).json()["results"] == []
    # the neighbouring county finds none of them, not even by naming the area
    o = client_for(outsider)
    assert o.get("/org/schools/search", {"q": "测试学校"}).json()["results"] == []
    assert o.get("/org/schools/search", {"q": "测试", "within": county_unit.pk}).json()["results"] == []
    assert o.get("/org/schools/search", {"q": "测试", "within": "x"}).json()["results"] == []
    assert (
        client_for(county).get(f"/hazards/units/{county_unit.pk}/", {"school_q": "测试"}).status_code == 200
    )


@pytest.mark.django_db
def test_bureau_reporter_searches_the_school(client_for, county, sibling_school, many_schools):
    c = client_for(county)
    page = c.get("/hazards/report/").content.decode()
    assert 'id="school-search"' in page and 'name="unit"' not in page
    found = c.get("/hazards/report/", {"school_q": "第3测试"}).content.decode()
    assert f"/hazards/report/?unit={many_schools[2].pk}" in found
    chosen = c.get("/hazards/report/", {"unit": many_schools[2].pk}).content.decode()
    assert f'name="unit" value="{many_schools[2].pk}"' in chosen
    data = {"category": "fire", "location": "门口", "description": "地面湿滑", "grade": "general",
            "source": "bureau", "client_id": str(uuid.uuid4()), "unit": many_schools[2].pk}  # fmt: skip
    assert c.post("/hazards/report/", data).status_code == 302
    assert Hazard.objects.get(client_id=data["client_id"]).unit == many_schools[2]
    other = {**data, "client_id": str(uuid.uuid4()), "unit": sibling_school.pk}
    assert c.post("/hazards/report/", other).status_code == 400


@pytest.mark.django_db
def test_training_statistics_and_compliance_search_schools(client_for, county, county_unit, many_schools):
    c = client_for(county)
    stats = c.get("/training/stats/", {"unit": county_unit.code, "school_q": "第5测试"}).content.decode()
    assert f"/training/stats/?unit={many_schools[4].code}" in stats
    comp = c.get("/training/compliance/", {"unit": county_unit.code, "school_q": "第5测试"}).content.decode()
    assert f"/training/compliance/?unit={many_schools[4].code}" in comp
