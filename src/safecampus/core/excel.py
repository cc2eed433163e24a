"""The one Excel writer of the platform. Values are written as data, never a formula from typed
text (CSV/formula injection, OWASP): every cell — titles, headers and rows alike — goes through
`cell_value`. `Sheet` + `xlsx_response` stream a workbook with a bold, frozen and filtered header
row and measured column widths; every export of every module uses them."""

from __future__ import annotations

import io
import itertools
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone

ALWAYS = ("=", "@", "\t", "\r", "\n")
SIGNS = ("+", "-")
# After a leading sign: what starts a function, a reference, a name or another sign ...
FORMULA_AFTER_SIGN = re.compile(r"[A-Za-z($=+\-@'\"]")
# ... or an operator or reference character anywhere in the rest.
OPERATORS = re.compile(r"[=+\-*/^&<>!:;|()\"]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula.

    The rule:
    - text starting with `=`, `@`, a tab, a carriage return or a line feed: always;
    - text starting with `+` or `-`: when the character after the sign is an ASCII letter, `(`,
      `$`, `=`, `+`, `-`, `@` or a quote (a function, a reference, a name: `-A1`, `+cmd|…`,
      `-SUM(1)`), or when the rest holds an operator or reference character (`= + - * / ^ & < > !
      : ; | ( )` or `"`: `-1+2`, `+1|x`);
    - anything else is plain text and written as it is: `-1层`, `-5`, `-3.5%`, `+86 138 0013 8000`,
      `-` or `—` alone, `- 备注`.
    """
    if not text:
        return False
    if text.startswith(ALWAYS):
        return True
    if text.startswith(SIGNS):
        rest = text[1:]
        return bool(rest) and (bool(FORMULA_AFTER_SIGN.match(rest)) or bool(OPERATORS.search(rest)))
    return False


def cell_value(value: Any) -> Any:
    """The value to put into a cell: formula-like text gets a leading apostrophe (so it stays
    text, also when the cell is edited or the sheet saved as CSV); numbers, dates, None and plain
    text are returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def row_values(values: Iterable[Any]) -> list[Any]:
    """`cell_value` of each value of a row."""
    return [cell_value(v) for v in values]


# The one workbook writer ---------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLOCK = 64 * 1024
PEEK = 200  # rows read ahead to size the columns
MIN_WIDTH, MAX_WIDTH = 8, 60
SHEET_NAME_BAD = "[]:*?/\\"


@dataclass
class Sheet:
    """One sheet of a workbook: an optional bold caption and preface lines, a header row (bold,
    frozen, with filter buttons), then the rows, streamed. `widths` (in characters) override the
    widths measured from the header and the first rows; `footer` is printed on every page."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    caption: str | None = None
    preface: Sequence[Sequence[Any]] = ()
    widths: Sequence[float] | None = None
    footer: str = ""


def display_width(value: Any) -> int:
    """Columns a value takes on screen: CJK and other wide characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A legal, unique (case-insensitive, within `taken`) sheet name of at most 31 characters."""
    base = ("".join("_" if ch in SHEET_NAME_BAD else ch for ch in title).strip("'") or "Sheet")[:31]
    name, n = base, 2
    while taken is not None and name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    if taken is not None:
        taken.add(name.lower())
    return name


def _widths(header: Sequence[Any], first: list[Sequence[Any]]) -> list[float]:
    out = []
    for i, head in enumerate(header):
        longest = max([display_width(head)] + [display_width(r[i]) for r in first if i < len(r)])
        out.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    return out


def _write_sheet(book: Any, spec: Sheet, taken: set[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title=sheet_name(spec.title, taken))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFDDEBF7")
    rows = iter(spec.rows)
    first = list(itertools.islice(rows, PEEK))
    widths = list(spec.widths) if spec.widths else _widths(spec.header, first)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = (1 if spec.caption else 0) + len(spec.preface) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    if spec.footer:
        ws.oddFooter.left.text = spec.footer

    def strong(values: Iterable[Any], *, shaded: bool) -> list[Any]:
        cells = []
        for v in values:
            cell = WriteOnlyCell(ws, value=cell_value(v))
            cell.font = bold
            if shaded:
                cell.fill = fill
            cells.append(cell)
        return cells

    if spec.caption:
        ws.append(strong([spec.caption], shaded=False))
    for line in spec.preface:
        ws.append(row_values(line))
    ws.append(strong(spec.header, shaded=True))
    count = 0
    for row in itertools.chain(first, rows):
        ws.append(row_values(row))
        count += 1
    if spec.header:
        last = get_column_letter(len(spec.header))
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"


def write_workbook(sheets: Iterable[Sheet], fh: IO[bytes]) -> None:
    """Write the sheets as one .xlsx (write-only mode: memory stays flat however many rows)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken: set[str] = set()
    for spec in sheets:
        _write_sheet(book, spec, taken)
    if not taken:
        _write_sheet(book, Sheet(title="Sheet", header=[], rows=[]), taken)
    book.save(fh)


def xlsx_blocks(sheets: Iterable[Sheet]) -> Iterator[bytes]:
    """The workbook in blocks, spooled through a temporary file (never whole in memory)."""
    with tempfile.TemporaryFile() as fh:
        write_workbook(sheets, fh)
        fh.seek(0)
        while block := fh.read(BLOCK):
            yield block


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook as bytes (small workbooks: templates, account lists)."""
    buf = io.BytesIO()
    write_workbook(sheets, buf)
    return buf.getvalue()


def export_filename(kind: str, unit_code: str) -> str:
    """`kind-UNITCODE-YYYY-MM-DD.xlsx`, the name of every export."""
    return f"{kind}-{unit_code}-{timezone.localdate().isoformat()}.xlsx"


def attachment(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value (`attachment` or `inline`) that survives non-ASCII names
    (RFC 6266)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    if ascii_name == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename*=UTF-8''{quote(filename)}; filename=\"{ascii_name}\""


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> StreamingHttpResponse:
    """A streamed download of the sheets."""
    response = StreamingHttpResponse(xlsx_blocks(sheets), content_type=XLSX)
    response["Content-Disposition"] = attachment(filename)
    return response
