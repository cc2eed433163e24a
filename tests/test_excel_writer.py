"""The platform's one Excel writer (`core.excel`): streamed in blocks, header frozen and
filtered, columns sized, sheet names legal and unique, no formula from text."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from safecampus.core.excel import Sheet, display_width, sheet_name, xlsx_blocks, xlsx_bytes, xlsx_response


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_a_big_sheet_streams_in_blocks_with_every_row() -> None:
    rows = ([f"name {i}", i] for i in range(3000))
    blocks = xlsx_blocks(
        [Sheet(title="Big", caption="Big", header=["Name", "n"], rows=rows, preface=[["Place", "x"]])]
    )
    assert not isinstance(blocks, (bytes, list))  # a generator: nothing is built before it is read
    data = b"".join(blocks)
    got = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert got[0][0] == "Big" and got[1] == ("Place", "x") and got[2] == ("Name", "n")
    assert len(got) == 3003 and got[-1] == ("name 2999", 2999)


def test_header_frozen_filtered_and_bold_columns_sized() -> None:
    sheet = Sheet(title="T", caption="Title", preface=[["a", "b"]], header=["姓名", "Count"],
                  rows=[["王小明同学的很长的名字", 1], ["b", 22]])  # fmt: skip
    ws = _book(xlsx_bytes([sheet])).active
    assert ws.freeze_panes == "A4"  # below caption, preface and header
    assert ws.auto_filter.ref == "A3:B5"
    assert ws["A3"].font.b and ws["A3"].value == "姓名"
    assert ws.column_dimensions["A"].width == display_width("王小明同学的很长的名字") + 2 == 24
    assert ws.column_dimensions["B"].width == 8  # the minimum


def test_explicit_widths_and_footer() -> None:
    ws = _book(
        xlsx_bytes([Sheet(title="T", header=["a"], rows=[], widths=[40], footer="学校 · 2026")])
    ).active
    assert ws.column_dimensions["A"].width == 40 and ws.oddFooter.left.text == "学校 · 2026"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:A1"


def test_sheet_names_are_legal_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("三年级[1]/班:*?", taken) == "三年级_1__班___"
    assert sheet_name("Class", taken) == "Class" and sheet_name("class", taken) == "class (2)"
    assert len(sheet_name("x" * 40, taken)) == 31
    book = _book(
        xlsx_bytes([Sheet(title="A", header=["h"], rows=[]), Sheet(title="a", header=["h"], rows=[])])
    )
    assert book.sheetnames == ["A", "a (2)"]


def test_no_formula_from_text_anywhere() -> None:
    sheet = Sheet(
        title="=T", caption="=cap", preface=[["@x"]], header=["+SUM(1)"], rows=[['=HYPERLINK("x")', -5]]
    )
    ws = _book(xlsx_bytes([sheet])).active
    assert [c.value for c in ws["A"]] == ["'=cap", "'@x", "'+SUM(1)", '\'=HYPERLINK("x")']
    assert ws["B4"].value == -5 and ws["B4"].data_type == "n"


def test_response_is_streamed_with_a_unicode_filename() -> None:
    resp = xlsx_response("隐患台账-x.xlsx", [Sheet(title="T", header=["a"], rows=[[1]])])
    assert resp.streaming and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E9%9A%90%E6%82%A3" in resp["Content-Disposition"]
    assert _book(b"".join(resp.streaming_content)).active["A2"].value == 1
