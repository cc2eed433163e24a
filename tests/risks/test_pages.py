"""Risk pages: the ledger, a point, forms, registers and exports, bureau view, regrade, cards,
board and map — for the school, the county (reported risks only) and outsiders (404)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from safecampus.risks.models import RiskPoint, Status

from .samples import k1_plan, k1_points, png_bytes


@pytest.fixture
def safety(demo):
    from safecampus.accounts.models import User

    return User.objects.get(username="demo_safety")


@pytest.fixture
def samples(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    points = k1_points()
    k1_plan()
    return points


def _body(resp) -> str:
    if hasattr(resp, "streaming_content"):
        return b"".join(resp.streaming_content).decode("utf-8", "replace")
    return resp.content.decode()


def test_school_pages(client_for, safety, school, samples):
    c = client_for(safety)
    assert c.get("/risks/").url == f"/risks/schools/{school.pk}/"
    for url in (
        f"/risks/schools/{school.pk}/",
        f"/risks/schools/{school.pk}/?level=major&category=laboratory&status=confirmed&q=危化",
        f"/risks/schools/{school.pk}/major/",
        f"/risks/schools/{school.pk}/new/",
        f"/risks/points/{samples['moderate'].pk}/",
        f"/risks/points/{samples['moderate'].pk}/edit/",
        f"/risks/points/{samples['moderate'].pk}/grade/",
        f"/risks/points/{samples['major'].pk}/plan/",
        f"/risks/schools/{school.pk}/cards/",
        f"/risks/schools/{school.pk}/cards/view/?post=电工",
        f"/risks/schools/{school.pk}/map/",
        f"/risks/schools/{school.pk}/map/edit/",
        f"/risks/units/{school.pk}/regrade/",
    ):
        resp = c.get(url)
        assert resp.status_code == 200, url
    resp = c.get(f"/risks/schools/{school.pk}/?level=major")
    assert "东港区样本危化品库" in resp.content.decode() and "东港区样本配电房" not in resp.content.decode()


def test_create_grade_confirm_through_pages(client_for, safety, school, samples):
    c = client_for(safety)
    resp = c.post(f"/risks/schools/{school.pk}/new/", {
        "name": "食堂燃气灶", "category": "food", "building": "食堂", "floor": "1层", "method": "LEC",
        "l": "3", "e": "6", "c": "15", "responsible_post": "厨师",
    })  # fmt: skip
    point = RiskPoint.objects.get(name="食堂燃气灶")
    assert resp.status_code == 302 and resp.url == f"/risks/points/{point.pk}/"
    assert point.level == "high" and point.location == "食堂 1层"
    resp = c.post(f"/risks/points/{point.pk}/grade/", {"method": "LS", "likelihood": "4", "severity": "5"})
    point.refresh_from_db()
    assert point.level == "major" and point.gradings.count() == 2
    c.post(f"/risks/points/{point.pk}/action/", {"action": "confirm"})
    point.refresh_from_db()
    assert point.status == Status.DRAFT  # no control plan yet
    resp = c.post(f"/risks/points/{point.pk}/plan/", {
        "measures": "燃气报警器，每日检查", "responsible_person": str(safety.pk), "review_date": "2099-01-01",
    })  # fmt: skip
    assert resp.status_code == 302
    c.post(f"/risks/points/{point.pk}/action/", {"action": "confirm"})
    point.refresh_from_db()
    assert point.status == Status.CONFIRMED and point.review_date is not None


def test_bad_form_input_is_a_message(client_for, safety, school, samples):
    c = client_for(safety)
    n = RiskPoint.objects.count()
    form = {"name": "x", "category": "food", "method": "LEC", "l": "3", "e": "6", "c": "", "location": "y"}
    resp = c.post(f"/risks/schools/{school.pk}/new/", form)
    assert resp.status_code == 200 and "C (consequence) must be one of" in resp.content.decode()
    assert RiskPoint.objects.count() == n


def test_ledger_export(client_for, safety, school, samples):
    resp = client_for(safety).get(f"/risks/units/{school.pk}/ledger.xlsx?level=moderate")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    names = [r[2] for r in rows if r and isinstance(r[0], int)]
    assert names == ["东港区样本配电房"]


def test_export_is_formula_safe(client_for, safety, school, samples):
    from safecampus.risks import services

    services.create_point(school, actor=safety, name="=HYPERLINK(1)", category="other", location="@x",
                          method="LS", factors={"likelihood": 1, "severity": 1})  # fmt: skip
    resp = client_for(safety).get(f"/risks/units/{school.pk}/ledger.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=HYPERLINK(1)" in cells and "'@x" in cells


def test_county_sees_reported_risks_only(client_for, county, outsider, school, county_unit, samples):
    c = client_for(county)
    assert c.get("/risks/").url == f"/risks/units/{county_unit.pk}/"
    body = c.get(f"/risks/units/{county_unit.pk}/").content.decode()
    assert "东港区样本配电房" in body and "东港区样本危化品库" in body
    assert "东港区样本操场" not in body  # a low draft stays at the school
    assert c.get(f"/risks/points/{samples['moderate'].pk}/").status_code == 200
    assert c.get(f"/risks/points/{samples['draft'].pk}/").status_code == 404
    assert c.get(f"/risks/schools/{school.pk}/").status_code == 404  # the full ledger is the school's
    rows = list(
        load_workbook(
            io.BytesIO(b"".join(c.get(f"/risks/units/{county_unit.pk}/ledger.xlsx").streaming_content))
        ).active.iter_rows(values_only=True)
    )
    assert {r[2] for r in rows if r and isinstance(r[0], int)} == {"东港区样本配电房", "东港区样本危化品库"}
    # The city sees them too.
    from safecampus.accounts.models import User
    from safecampus.core.models import Unit

    city = User.objects.get(username="demo_city")
    body = client_for(city).get(f"/risks/units/{Unit.objects.get(code='demo-c1').pk}/").content.decode()
    assert "东港区样本配电房" in body
    # The sibling county sees none.
    o = client_for(outsider)
    assert o.get(f"/risks/units/{county_unit.pk}/").status_code == 404
    assert o.get(f"/risks/points/{samples['moderate'].pk}/").status_code == 404
    body = o.get("/risks/", follow=True).content.decode()
    assert "东港区样本" not in body


def test_cards_and_board_pdf(client_for, safety, school, samples):
    c = client_for(safety)
    for url in (f"/risks/schools/{school.pk}/cards/card.pdf?post=电工&size=A5",
                f"/risks/schools/{school.pk}/cards/card.pdf?post=实验员",
                f"/risks/schools/{school.pk}/board.pdf"):  # fmt: skip
        resp = c.get(url)
        assert resp.status_code == 200 and resp.content.startswith(b"%PDF"), url
    assert c.get(f"/risks/schools/{school.pk}/cards/card.pdf?post=无此岗位").status_code == 404
    assert c.get(f"/risks/schools/{school.pk}/cards/view/?post=").status_code == 404


def test_map_colours_and_editor(client_for, safety, school, samples):
    c = client_for(safety)
    body = c.get(f"/risks/schools/{school.pk}/map/").content.decode()
    assert 'data-level="moderate"' in body  # the pinned moderate point colours its area
    assert c.get(f"/risks/schools/{school.pk}/map/image").status_code == 200
    area = k1_plan()
    import json

    good = {"areas": [{"id": area.pk, "name": "新名字", "polygon": [[0, 0], [1, 0], [1, 1]]}],
            "pins": [{"point": samples["major"].pk, "x": 0.6, "y": 0.6}]}  # fmt: skip
    resp = c.post(f"/risks/schools/{school.pk}/map/areas", json.dumps(good), content_type="application/json")
    assert resp.status_code == 200, resp.content
    body = c.get(f"/risks/schools/{school.pk}/map/").content.decode()
    assert 'data-level="major"' in body
    for bad in ({"areas": [{"id": None, "name": "x", "polygon": [[0, 0], [2, 0], [1, 1]]}], "pins": []},
                {"areas": [{"id": None, "name": "", "polygon": [[0, 0], [1, 0], [1, 1]]}], "pins": []},
                {"areas": [], "pins": [{"point": 999999999, "x": 0, "y": 0}]}, []):  # fmt: skip
        resp = c.post(
            f"/risks/schools/{school.pk}/map/areas", json.dumps(bad), content_type="application/json"
        )
        assert resp.status_code == 400, bad
    resp = c.post(f"/risks/schools/{school.pk}/map/areas", b"not json", content_type="application/json")
    assert resp.status_code == 400


def test_plan_upload_checks_content(client_for, safety, school, samples):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(safety)
    bad = SimpleUploadedFile("plan.png", b"<script>not an image</script>")
    resp = c.post(f"/risks/schools/{school.pk}/map/edit/", {"image": bad, "title": "x"})
    assert resp.status_code == 200 and "not an image" in resp.content.decode()
    good = SimpleUploadedFile("plan.jpg", png_bytes((800, 600)))
    resp = c.post(f"/risks/schools/{school.pk}/map/edit/", {"image": good, "title": "新平面图"})
    assert resp.status_code == 302


def test_teacher_reads_but_does_not_manage(client_for, head_teacher, school, samples):
    c = client_for(head_teacher)
    assert c.get(f"/risks/schools/{school.pk}/").status_code == 200
    assert c.get(f"/risks/schools/{school.pk}/new/").status_code == 403
    assert c.post(f"/risks/points/{samples['draft'].pk}/action/", {"action": "retire"}).status_code == 403
    assert c.get(f"/risks/schools/{school.pk}/map/edit/").status_code == 403


def test_pdfs_render_to_png(client_for, safety, school, samples, tmp_path):
    """The card and the board as PNG (pdftoppm), kept in screenshots/risks for a look."""
    import shutil
    import subprocess
    from pathlib import Path

    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    out = Path("screenshots/risks")
    out.mkdir(parents=True, exist_ok=True)
    c = client_for(safety)
    for name, url in (("card-a4", f"/risks/schools/{school.pk}/cards/card.pdf?post=电工&size=A4"),
                      ("card-a5", f"/risks/schools/{school.pk}/cards/card.pdf?post=实验员&size=A5"),
                      ("board", f"/risks/schools/{school.pk}/board.pdf")):  # fmt: skip
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(c.get(url).content)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(out / name)], check=True)
        assert (out / f"{name}.png").stat().st_size > 5000


def test_the_reporting_threshold_is_the_bureaus_policy(client_for, county, county_unit, samples):
    import datetime as dt

    from safecampus.accounts.models import User
    from safecampus.core.policy import load_policy

    operator = User.objects.get(username="demo_operator")
    load_policy(county_unit, {"risks": {"report_upward_from": "major"}}, actor=operator, version="t-major",
                effective_from=dt.date(2020, 1, 1))  # fmt: skip
    body = client_for(county).get(f"/risks/units/{county_unit.pk}/").content.decode()
    assert "东港区样本危化品库" in body  # the major one
    assert "东港区样本配电房" not in body  # moderate: no longer reported to this county
    assert client_for(county).get(f"/risks/points/{samples['moderate'].pk}/").status_code == 404
