"""Excel exports of the statistics tables, streamed in constant memory.

Row producers are generators (`children_rows`, `people_rows`) and `xlsx_stream` writes them through
openpyxl's write-only workbook into a temporary file that is then streamed out in blocks, so a
20,000-row export never holds the rows in memory.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.excel import cell_value, row_values
from safecampus.core.places import Place
from safecampus.core.rollups import percent

from .children import child_places
from .figures import Figures, report
from .people import PeopleList, Window

BLOCK = 64 * 1024


_rate = percent  # a rate as a percentage, one decimal


def figures_header() -> list[str]:
    return [
        _("Target"),
        _("Participants"),
        _("Participation rate (%)"),
        _("Learning time (h)"),
        _("Average (min)"),
        _("Takings"),
        _("Completions"),
        _("Passes"),
        _("Pass rate (%)"),
        _("Completion of target (%)"),
    ]


def figures_cells(f: Figures) -> list[Any]:
    return [
        f.target,
        f.participants,
        _rate(f.participation_rate),
        round(f.learning_s / 3600, 2),
        round(f.average_s / 60, 1),
        f.takings,
        f.completions,
        f.passes,
        _rate(f.pass_rate),
        _rate(f.completion_rate),
    ]


def children_header() -> list[str]:
    return [_("Name"), *figures_header()]


def children_rows(place: Place, window: Window) -> Iterator[list[Any]]:
    """One row per child place (units, grades or classes) with its figures."""
    children = child_places(place, window.scope.campaign.school_year) if place.whole_unit else []
    rep = report(
        [n for n, _name, _link in children],
        window.scope,
        audience=window.audience,
        start=window.start,
        end=window.end,
    )
    for node, name, _link in children:
        yield [name, *figures_cells(rep.of(node, window.audience))]


def people_header() -> list[str]:
    return [
        _("Name"),
        _("Audience"),
        _("Class or unit"),
        _("Learning time (min)"),
        _("Courses begun"),
        _("Courses completed"),
        _("Courses passed"),
        _("Started"),
    ]


def people_rows(place: Place, window: Window, *, not_started: bool = False) -> Iterator[list[Any]]:
    """One row per person of the place's people (or of those who have not started)."""
    from safecampus.training.models import Audience

    labels = dict(Audience.choices)
    for p in PeopleList(place, window, not_started=not_started):
        yield [
            p.name,
            str(labels.get(p.audience, p.audience)),
            p.where,
            round(p.learning_s / 60, 1),
            p.begun,
            p.completed,
            p.passed,
            _("yes") if p.started else _("no"),
        ]


def sheet_title(place: Place, window: Window) -> list[list[Any]]:
    """The lines above a table: the place, the scope and when it was made."""
    scope = window.scope
    what = scope.campaign.display_title
    if scope.stage is not None:
        what += f" · {scope.stage.display_title}"
    if scope.course is not None:
        what += f" · {scope.course.display_title}"
    lines = [[_("Place"), place.name], [_("Scope"), what]]
    if window.audience:
        lines.append([_("Audience"), window.audience])
    if window.start or window.end:
        lines.append([_("Dates"), f"{window.start or '…'} – {window.end or '…'}"])
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    lines.append([_("Generated"), generated])
    return lines


def xlsx_stream(
    title: str, header: list[str], rows: Iterable[list[Any]], *, preface: list[list[Any]] | None = None
) -> Iterator[bytes]:
    """An .xlsx file in blocks: preface lines, a header row, then the rows (write-only mode);
    every cell, the title too, through `core.excel.cell_value` (never a formula from text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_name(title))
    ws.freeze_panes = f"A{len(preface or []) + 3}"
    bold = Font(bold=True)

    def strong(values: list[Any]) -> list[Any]:
        out = []
        for v in values:
            c = WriteOnlyCell(ws, value=cell_value(v))
            c.font = bold
            out.append(c)
        return out

    ws.append(strong([title]))
    for line in preface or []:
        ws.append(row_values(line))
    ws.append(strong(header))
    for row in rows:
        ws.append(row_values(row))
    with tempfile.TemporaryFile() as fh:
        wb.save(fh)
        fh.seek(0)
        while block := fh.read(BLOCK):
            yield block


def _sheet_name(title: str) -> str:
    bad = "[]:*?/\\"
    name = "".join("_" if ch in bad else ch for ch in title)
    return name[:31] or "Sheet"


def filename(kind: str, place: Place) -> str:
    return f"{kind}-{place.unit.code}-{dt.date.today().isoformat()}.xlsx"
