"""Spreadsheets the roster hands out: import templates, the error report and the account list."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from safecampus.core.errors import Invalid
from safecampus.core.excel import Sheet, cell_value, xlsx_bytes
from safecampus.core.validators import id_card_check_char

from .columns import STAFF_COLUMNS, STUDENT_COLUMNS, STUDENT_TEMPLATE_HEADERS, Column, find_header
from .files import ZIP_MAGIC, read_table
from .importing import Credential
from .models import ImportBatch, ImportKind

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RED = "FFFFC7CE"  # Excel's "bad" fill
DARK_RED = "FF9C0006"
HEADER_FILL = "FFDDEBF7"
EXAMPLE_GREY = "FF808080"
TEXT_KEYS = {"id_card", "student_no", "parent_phone", "phone"}  # keep long digit strings as text


def _put(ws: Worksheet, row: int, column: int, value: object):
    """Write a value as data: text that looks like a formula stays text (`core.excel`)."""
    return ws.cell(row=row, column=column, value=cell_value(value))


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_row(ws: Worksheet, headers: Iterable[str], widths: Iterable[int]) -> None:
    for index, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = _put(ws, 1, index, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


# Templates -------------------------------------------------------------------------------------
def _example_id_card() -> str:
    first17 = "37020220190301001"  # born 2019-03-01, odd sequence: a boy
    return first17 + id_card_check_char(first17)


def _template_spec(kind: str) -> tuple[list[Column], list[str], list[str], list[str]]:
    """Columns, headers, example row and notes of a template."""
    if kind == ImportKind.STUDENTS:
        card = _example_id_card()
        example = ["一年级", "1班", "张小明", "男", card, f"G{card}", "张建国", "13800138000", "父亲"]
        notes = [
            _("Fill in one row per student, from the second row on. Delete the grey example row first."),
            _(
                "Required: grade, class, name and gender, and the ID-card number or the student "
                "number (at least one)."
            ),
            _(
                "Grade as the school calls it (一年级, 七年级 or 初一, 高一, 小班 …). "
                "A class may be written 1班, 一班, (1)班 or 01班: all mean class 1."
            ),
            _(
                "Gender: 男 or 女. ID-card number: 18 characters, the last may be X; "
                "it must match the gender."
            ),
            _(
                "Parent mobile: an 11-digit mainland number. A parent of several children gives the "
                "same number on each child's row and gets one account."
            ),
            _("The import also reads the optional columns 出生日期 (YYYY-MM-DD) and 住宿 (住宿 or 走读)."),
        ]
        by_header = {c.aliases[0]: c for c in STUDENT_COLUMNS}
        return [by_header[h] for h in STUDENT_TEMPLATE_HEADERS], STUDENT_TEMPLATE_HEADERS, example, notes
    example = ["李华", "女", "13900139000", "", "班主任", "一年级", "1班"]
    notes = [
        _("Fill in one row per post, from the second row on. Delete the grey example row first."),
        _("Required: name, mobile number and post. One account per mobile number."),
        _(
            "Posts such as 校长, 学校管理员, 安全干事, 班主任, 教师, 保安, 校医 and 心理老师 give the "
            "matching role; other posts (宿管, 食堂 …) are kept as written."
        ),
        _("For a head teacher (班主任), give the grade and class: import the students first."),
    ]
    return STAFF_COLUMNS, [c.aliases[0] for c in STAFF_COLUMNS], example, notes


def template_workbook(kind: str) -> bytes:
    """An import template: Chinese headers, a grey example row, and a sheet of notes."""
    columns, headers, example, notes = _template_spec(kind)
    notes += [
        _("Save as .xlsx, or as CSV in UTF-8 or GBK. Old .xls files are not accepted."),
        _("Nothing is written until the whole file is clean: the preview lists every problem."),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Students") if kind == ImportKind.STUDENTS else _("Staff")
    widths = [22 if c.key in TEXT_KEYS else 12 for c in columns]
    _header_row(ws, headers, widths)
    for index, (column, value) in enumerate(zip(columns, example, strict=True), start=1):
        cell = _put(ws, 2, index, value)
        cell.font = Font(italic=True, color=EXAMPLE_GREY)
        if column.required:
            ws.cell(row=1, column=index).font = Font(bold=True, color=DARK_RED)
        if column.key in TEXT_KEYS:
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = "@"
    info = wb.create_sheet(_("Notes"))
    info.column_dimensions["A"].width = 100
    _put(info, 1, 1, _("How to fill in this template")).font = Font(bold=True, size=13)
    for row, line in enumerate(notes, start=2):
        _put(info, row, 1, f"{row - 1}. {line}").alignment = Alignment(wrap_text=True, vertical="top")
    _put(info, len(notes) + 3, 1, _("Headers in dark red are required."))
    return _save(wb)


# Error report ----------------------------------------------------------------------------------
def _columns_of(kind: str) -> list[Column]:
    return STUDENT_COLUMNS if kind == ImportKind.STUDENTS else STAFF_COLUMNS


def _sheet_of_upload(data: bytes) -> tuple[Workbook, Worksheet]:
    """The uploaded sheet itself (xlsx keeps its formatting); a CSV becomes a sheet, row for row."""
    if data.startswith(ZIP_MAGIC):
        wb = load_workbook(io.BytesIO(data))
        ws = wb.worksheets[0]
        for other in wb.worksheets[1:]:
            wb.remove(other)
        wb.active = 0
        for row in ws.iter_rows():  # the report goes to other people: no formula survives
            for cell in row:
                if cell.data_type == "f" and not isinstance(cell, MergedCell):
                    cell.value = cell_value(str(getattr(cell.value, "text", cell.value)))
        return wb, ws
    wb = Workbook()
    ws = wb.active
    ws.title = _("Upload")
    for number, cells in read_table("", data).rows:
        for index, value in enumerate(cells, start=1):
            _put(ws, number, index, value)
    return wb, ws


def error_report(batch: ImportBatch, data: bytes) -> bytes:
    """The uploaded sheet with every problem cell filled red and commented, plus an errors sheet."""
    columns = _columns_of(batch.kind)
    try:
        _pos, mapping = find_header(read_table("", data), columns)
    except Invalid:
        mapping = {}
    with translation.override(batch.result.get("language") or settings.LANGUAGE_CODE):
        key_by_label = {str(c.label): c.key for c in columns}
        titles = [_("Row"), _("Column"), _("Problem")]
        sheet_title = _("Errors")
    wb, ws = _sheet_of_upload(data)
    errors = batch.result.get("errors", [])
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    for e in errors:
        index = mapping.get(key_by_label.get(e["column"], ""))
        if e["row"] > 0 and index is not None:
            by_cell[(e["row"], index + 1)].append(e["message"])
    for (row, column), messages in by_cell.items():
        cell = ws.cell(row=row, column=column)
        if isinstance(cell, MergedCell):
            continue
        cell.fill = PatternFill("solid", fgColor=RED)
        cell.font = Font(color=DARK_RED)
        comment = Comment("\n".join(messages), "SafeCampus")
        comment.width, comment.height = 300, 40 + 30 * len(messages)
        cell.comment = comment
    sheet = wb.create_sheet(sheet_title[:31])
    _header_row(sheet, titles, [8, 18, 80])
    for line, e in enumerate(errors, start=2):
        row_cell = _put(sheet, line, 1, e["row"] or "")
        index = mapping.get(key_by_label.get(e["column"], ""))
        if e["row"] and index is not None:
            row_cell.hyperlink = f"#'{ws.title}'!{get_column_letter(index + 1)}{e['row']}"
        _put(sheet, line, 2, e["column"])
        _put(sheet, line, 3, e["message"])
    return _save(wb)


# Initial passwords -----------------------------------------------------------------------------
def credentials_workbook(credentials: list[Credential], title: str) -> bytes:
    """Class, kind, name, username and initial password of each new account."""
    labels = {"student": _("Student"), "parent": _("Parent"), "staff": _("Staff")}
    order = {"student": 0, "parent": 1, "staff": 2}
    rows = sorted(credentials, key=lambda c: (c.class_label, order.get(c.kind, 3), c.name))
    sheet = Sheet(
        title=_("Accounts"),
        header=[_("Class or post"), _("Account for"), _("Name"), _("Username"), _("Initial password")],
        widths=[18, 12, 14, 22, 18],
        rows=([c.class_label, str(labels.get(c.kind, c.kind)), c.name, c.username, c.password] for c in rows),
        footer=f"{title} · {timezone.localdate().isoformat()}",
    )
    return xlsx_bytes([sheet])
