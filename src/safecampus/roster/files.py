"""Reading roster spreadsheets as schools make them: xlsx, CSV in UTF-8 (with or without BOM)
or GB18030/GBK. Old binary .xls files are recognised by content and refused clearly."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
UNREADABLE_XLSX = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    KeyError,
    ValueError,
    IndexError,
    TypeError,
    AttributeError,
    SyntaxError,
    EOFError,
    OSError,
)  # SyntaxError covers xml.etree's ParseError


@dataclass
class Table:
    """Cells as text, with their spreadsheet row numbers (1-based, as Excel shows them)."""

    rows: list[tuple[int, list[str]]]
    kind: str  # "xlsx" or "csv"
    encoding: str = ""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13812345678.0 from Excel
    return str(value).strip()


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    raise Invalid(_("The file has more than %(n)d rows; please split it.") % {"n": MAX_ROWS})
                cells = [_cell(v) for v in values]
                if any(cells):
                    rows.append((number, cells))
        finally:
            wb.close()
    except UNREADABLE_XLSX:
        # A damaged or hand-made workbook: openpyxl fails in many ways (bad zip, bad XML, bad refs).
        raise Invalid(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    return Table(rows, "xlsx")


def decode_csv(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise Invalid(_("The CSV file is neither UTF-8 nor GBK/GB18030 text.")) from None


def read_csv(data: bytes) -> Table:
    try:
        text, encoding = decode_csv(data)
    except UnicodeDecodeError:
        raise Invalid(_("The CSV file is neither UTF-8 nor GBK/GB18030 text.")) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > MAX_ROWS:
                raise Invalid(_("The file has more than %(n)d rows; please split it.") % {"n": MAX_ROWS})
            cells = [v.strip() for v in values]
            if any(cells):
                rows.append((number, cells))
    except csv.Error:  # e.g. an unclosed quote swallowing the rest of the file
        raise Invalid(_("The CSV file could not be read: check its quotes and separators.")) from None
    return Table(rows, "csv", encoding)


def read_table(filename: str, data: bytes) -> Table:
    """Read an uploaded file by its content (the name only breaks ties for text files)."""
    if not data:
        raise Invalid(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Invalid(_("The file is larger than 50 MB."))
    if data.startswith(OLE2_MAGIC):
        raise Invalid(
            _(
                "This is an old Excel 97–2003 (.xls) file. "
                "Please open it in Excel or WPS and save it as .xlsx."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise Invalid(_("The file is not a spreadsheet: please upload .xlsx or .csv."))
    return read_csv(data)
