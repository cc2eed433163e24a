"""Excel workbooks of the compliance page and of a person's annual record (through the platform's
one writer, `core.excel`: streamed, so memory stays flat however many rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safecampus.core.excel import Sheet, xlsx_response

from .compliance import Report
from .person_record import PersonRecord


def _sheet(sheets: list[Sheet], title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheets.append(Sheet(title=title, header=[str(t) for t in header], rows=rows))


def _yes(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def report_xlsx(rep: Report) -> StreamingHttpResponse:
    book: list[Sheet] = []
    _sheet(
        book,
        _("Staff"),
        [_("School"), _("Name"), _("Username"), _("Roles"), _("Requirement"), _("Target (h)"),
         _("Expected by now (h)"), _("Hours"), _("Behind")],
        (
            [r.school.name, r.name, r.username, r.role_labels, r.requirement.label if r.requirement else "",
             r.target, r.expected if r.requirement else None, r.hours,
             _yes(r.behind) if r.requirement else ""]
            for r in rep.staff
        ),
    )  # fmt: skip
    _sheet(
        book,
        _("Students behind"),
        [_("School"), _("Class"), _("Student"), _("Lessons overdue"), _("Last lesson completed"),
         _("No account")],
        (
            [k.unit.name, str(k), r.student.name, r.overdue, r.last_completed_on, _yes(not r.has_account)]
            for k, r in rep.students.behind
        ),
    )  # fmt: skip
    if rep.children:
        _sheet(
            book,
            _("By unit"),
            [_("Unit"), _("Staff"), _("With a target"), _("Staff behind"), _("Students"),
             _("Students behind"), _("Classes off cadence")],
            ([c.name, c.staff, c.staff_with_target, c.staff_behind, c.students, c.students_behind,
              c.classes_off_cadence] for c in rep.children),
        )  # fmt: skip
    stamp = timezone.localdate().isoformat()
    return xlsx_response(f"compliance-{rep.place.unit.code}-{rep.year}-{stamp}.xlsx", book)


def record_xlsx(record: PersonRecord) -> StreamingHttpResponse:
    person = record.person
    book: list[Sheet] = []
    req = record.requirement
    _sheet(
        book,
        pgettext("sheet", "Summary"),
        [_("Item"), _("Value")],
        [
            [_("Name"), person.name],
            [_("Username"), person.username],
            [_("Year"), record.year],
            [_("Schools"), "、".join(s.name for s in record.schools)],
            [_("Requirement"), req.label if req else _("none")],
            [_("Target (h)"), req.hours if req else None],
            [_("Expected by now (h)"), record.expected if req else None],
            [_("Hours"), record.hours],
            [_("Behind"), _yes(record.behind) if req else ""],
        ],
    )
    _sheet(
        book,
        _("By month"),
        [_("Month"), _("Hours")],
        ([f"{record.year}-{m:02d}", h] for m, h in record.month_rows),
    )
    _sheet(
        book,
        _("By course"),
        [_("Campaign"), _("Course"), _("Hours"), _("Completed on"), _("Best score"), _("Passed")],
        ([c.course.campaign.display_title, c.course.display_title, c.hours, c.completed_on, c.best_score,
          _yes(c.passed)] for c in record.courses),
    )  # fmt: skip
    _sheet(
        book,
        _("Certificates"),
        [_("Number"), pgettext("certificate", "Kind"), _("Course"), _("Hours"), _("Issued")],
        ([c.number, c.get_kind_display(), c.course.display_title if c.course_id else "", c.hours,
          timezone.localtime(c.issued_at).replace(tzinfo=None)] for c in record.certificates),
    )  # fmt: skip
    _sheet(
        book,
        _("Quizzes"),
        [_("Course"), _("Score"), _("Passed"), pgettext("quiz", "Submitted at")],
        ([q.course_title, q.score, _yes(q.passed),
          timezone.localtime(q.submitted_at).replace(tzinfo=None) if q.submitted_at else None]
         for q in record.quizzes),
    )  # fmt: skip
    return xlsx_response(f"training-record-{person.username}-{record.year}.xlsx", book)
