"""Roster files as Chinese Windows PCs make them: GBK CSV, BOM, xlsx with a merged title row."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from safecampus.core.errors import Invalid
from safecampus.roster.columns import STUDENT_COLUMNS, STUDENT_TEMPLATE_HEADERS, find_header
from safecampus.roster.files import read_table

ROW = [
    "七年级",
    "1班",
    "王小明",
    "男",
    "11010520130307001X",
    "G110105201303070012",
    "王大伟",
    "13800138000",
    "父亲",
]


def _csv(rows, encoding: str, bom: bool = False) -> bytes:
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize(
    ("encoding", "bom"), [("gbk", False), ("gb18030", False), ("utf-8", True), ("utf-8", False)]
)
def test_csv_encodings(encoding, bom):
    table = read_table("名单.csv", _csv([STUDENT_TEMPLATE_HEADERS, ROW], encoding, bom))
    pos, mapping = find_header(table, STUDENT_COLUMNS)
    assert pos == 0 and mapping["parent_phone"] == 7
    assert table.rows[1] == (2, ROW)


def test_xlsx_with_merged_title_row_and_numbers():
    wb = Workbook()
    ws = wb.active
    ws.append(["东港区第一初级中学2026级学生名单"])
    ws.merge_cells("A1:I1")
    ws.append(STUDENT_TEMPLATE_HEADERS)
    ws.append([*ROW[:7], 13800138000, ROW[8]])  # phone typed as a number
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table("名单.xlsx", buf.getvalue())
    pos, mapping = find_header(table, STUDENT_COLUMNS)
    assert pos == 1
    number, cells = table.rows[2]
    assert number == 3 and cells[mapping["parent_phone"]] == "13800138000"


def test_english_headers_accepted():
    headers = [
        "Grade",
        "Class",
        "Name",
        "Gender",
        "ID card",
        "Student number",
        "Parent name",
        "Parent phone",
        "Relation",
    ]
    table = read_table("x.csv", _csv([headers, ROW], "utf-8"))
    assert find_header(table, STUDENT_COLUMNS)[1]["student_no"] == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"", "empty"),
        (b"PK\x03\x04garbage", "Excel"),
        (b"\x00\x01\x02binary", "not a spreadsheet"),
    ],
)
def test_bad_files_refused_clearly(data, message):
    with pytest.raises(Invalid) as exc:
        read_table("x.xlsx", data)
    assert message in str(exc.value.message)


def test_missing_columns_named():
    table = read_table("x.csv", _csv([["姓名", "性别"], ["王小明", "男"]], "utf-8"))
    with pytest.raises(Invalid) as exc:
        find_header(table, STUDENT_COLUMNS)
    assert "Grade" in str(exc.value.message) and "Class" in str(exc.value.message)
