"""Excel exports (streamed, opened with openpyxl) and the PDF summary, scoped like the pages."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .test_pages import q
from .test_rollup import watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def learnt(pupils, video, course, campaign):
    watch(pupils[0].user, video, 45)
    return pupils


def _sheet(resp):
    assert resp.status_code == 200, resp.status_code
    assert resp.streaming
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def _table(rows, first_header: str):
    """The rows below the header row (whose first cell is `first_header`)."""
    at = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    return rows[at + 1 :]


def test_children_export(learnt, campaign, client_for, county):
    rows = _sheet(
        client_for(county).get("/training/stats/export/children.xlsx" + q(campaign, audience="student"))
    )
    assert rows[0][0] == "Child units"
    assert rows[1] == ["Place", "东港区教育和体育局"] + [None] * (len(rows[1]) - 2)
    assert any(r[0] == "Generated" for r in rows[:8])
    table = {r[0]: r for r in _table(rows, "Name")}
    school = table["东港区实验小学"]
    assert school[1:4] == [4, 1, 25.0]
    assert len(table) == 3


def test_people_and_not_started_exports(learnt, campaign, client_for, county):
    klass = learnt[0].school_class
    query = q(campaign, "demo-c1-k1-s1", **{"class": klass.pk})
    people = _table(_sheet(client_for(county).get("/training/stats/export/people.xlsx" + query)), "Name")
    assert len(people) == 4
    mine = next(r for r in people if r[0] == learnt[0].name)
    assert mine[3] == 0.8 and mine[4] == 1 and mine[7] == "yes"  # 45 s = 0.8 min
    waiting = _table(
        _sheet(client_for(county).get("/training/stats/export/not-started.xlsx" + query)), "Name"
    )
    assert sorted(r[0] for r in waiting) == sorted(p.name for p in learnt[1:])


def test_summary_pdf(learnt, campaign, client_for, county):
    resp = client_for(county).get("/training/stats/summary.pdf" + q(campaign))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
