"""Excel exports of the statistics tables, streamed in constant memory.

Row producers are generators (`children_rows`, `people_rows`); `core.excel.xlsx_response` writes
them through openpyxl's write-only workbook into a temporary file that is then streamed out in
blocks, so a 20,000-row export never holds the rows in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.excel import export_filename
from safecampus.core.places import Place
from safecampus.core.rollups import percent

from .children import child_places
from .figures import Figures, report
from .people import PeopleList, Window

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


def filename(kind: str, place: Place) -> str:
    return export_filename(kind, place.unit.code)
