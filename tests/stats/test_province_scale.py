"""A province of 1,000 schools (bulk-built by the benchmark generator) on the statistics pages:
people and not-started lists and their exports answer 200 with the right counts, with queries
whose size does not grow with the number of schools or people (issue 14 §1: SQLite refused an
expression tree deeper than 1000)."""

from __future__ import annotations

import io

import pytest
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from openpyxl import load_workbook

from safecampus.core.models import Unit
from safecampus.roster.models import Student, StudentStatus
from safecampus.training_stats.benchdata import Shape, generate
from safecampus.training_stats.models import Participation

SCHOOLS = 1000


@pytest.fixture
def big_province(demo):
    shape = Shape(
        schools=SCHOOLS, students_per_school=2, accounts_per_school=0, days=2, schools_per_county=SCHOOLS
    )
    province = generate(shape, log=lambda _m: None)
    # The generator draws names from a small pool; real pupils' names are mostly distinct.
    pupils = Student.objects.filter(unit_path__startswith=province.root.path)
    pupils.update(name=Concat(Value("学生"), Cast("id", CharField())))
    return province


def _rows(answer) -> int:
    """Data rows of a streamed export (below the title lines and the header)."""
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Name")
    return len([r for r in rows[header + 1 :] if r and r[0]])


def test_people_pages_of_a_province_of_1000_schools(big_province, client_for):
    root, campaign = big_province.root, big_province.campaign
    assert Unit.objects.filter(path__startswith=root.path, kind="school").count() == SCHOOLS
    students = Student.objects.filter(unit_path__startswith=root.path, status=StudentStatus.ENROLLED)
    learners = set(
        Participation.objects.filter(campaign=campaign, stage_id=0, course_id=0).values_list(
            "learner_id", flat=True
        )
    )
    everyone = students.count()  # the courses are for students only
    waiting = everyone - len(learners)
    assert 0 < len(learners) < everyone
    c = client_for(big_province.admin)
    for unit in (root.code, "bench-c01", "bench-c01-k01"):
        query = f"?unit={unit}&campaign={campaign.pk}"
        under = Unit.objects.get(code=unit).path
        if unit != root.code:
            in_unit = students.filter(unit_path__startswith=under)
            everyone = in_unit.count()
            waiting = in_unit.exclude(user_id__in=learners).count()
        page = c.get("/training/stats/people/" + query)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == everyone
        page = c.get("/training/stats/not-started/" + query)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == waiting
        export = c.get("/training/stats/export/people.xlsx" + query)
        assert export.status_code == 200 and _rows(export) == everyone
        export = c.get("/training/stats/export/not-started.xlsx" + query)
        assert export.status_code == 200 and _rows(export) == waiting
    # The other pages of the province, and of a county of 1,000 schools (one row per school).
    county = Unit.objects.get(code="bench-c01-k01")
    for url in (
        f"/training/stats/?unit={root.code}&campaign={campaign.pk}",
        f"/training/stats/?unit={county.code}&campaign={campaign.pk}",
        f"/training/stats/export/children.xlsx?unit={county.code}&campaign={campaign.pk}",
        "/org/",
        f"/org/units/{county.pk}/",
        f"/hazards/stats/?unit={root.code}",
        f"/hazards/stats/?unit={county.code}",
        f"/hazards/stats/export/units.xlsx?unit={county.code}",
    ):
        answer = c.get(url)
        assert answer.status_code == 200, url
        if answer.streaming:
            b"".join(answer.streaming_content)
    page = c.get(f"/org/units/{county.pk}/").content.decode()
    assert page.count("基准1市1区第") >= SCHOOLS
