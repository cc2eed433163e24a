"""Read side of class work: which classes a user reaches, what a class may be assigned, and the
class progress board (students × assigned lessons, who is behind).

Who reaches a class: its head teacher and assistants (through a head-teacher post at the school),
everyone who may watch training progress (`Perm.VIEW_TRAINING`) at the class's school or above.
Who may change a class's work: its head teacher and assistants, and the school's own training
managers (`Perm.MANAGE_TRAINING` held at the school, not a bureau above it).

The board is built for many classes at once in a fixed number of queries, whatever the number
of classes on the page or of students in them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safecampus.core.access import memberships
from safecampus.core.models import Unit
from safecampus.core.policy import policy_for
from safecampus.core.roles import SCHOOL, Perm, role_spec
from safecampus.roster.models import SchoolClass, Student, StudentStatus
from safecampus.roster.teaching import teaches

from .class_models import ClassAssignment, ClassroomSession, SessionStatus
from .models import Audience, ContentStatus, Lesson, student_fits
from .progress_models import LessonProgress


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def class_for(user: Any, class_id: int) -> SchoolClass:
    """One class the user reaches; 404 alike for a missing class and one that is not theirs."""
    return get_object_or_404(
        SchoolClass.objects.visible_to(user, Perm.VIEW_TRAINING).select_related(
            "grade", "unit", "head_teacher"
        ),
        pk=class_id,
    )


def can_manage_class(user: Any, klass: SchoolClass) -> bool:
    """May assign lessons to the class and run classroom sessions."""
    if not _signed_in(user):
        return False
    if user.is_superuser or teaches(user, klass):
        return True
    return any(
        role_spec(m.role).level == SCHOOL and klass.unit_path.startswith(m.unit.path)
        for m in memberships(user, Perm.MANAGE_TRAINING)
    )


def interval_days(klass: SchoolClass) -> int:
    """The policy's cadence for students: one lesson every N days."""
    return int(policy_for(klass.unit).training["student_lesson_interval_days"])


# -- lessons for a class -----------------------------------------------------------------------
def lessons_for_class(klass: SchoolClass) -> list[Lesson]:
    """Published lessons offered to the class's students: a student course of the class's school
    or a unit above it, fitting the school type and the grade."""
    return fitting_lessons(offered_student_lessons(klass.unit), klass.unit, klass.grade.level)


def offered_student_lessons(school: Unit) -> list[Lesson]:
    """Lessons of published student courses offered at the school, in curriculum order (one query)."""
    candidates = (
        Lesson.objects.offered_at(school)
        .filter(
            course__status=ContentStatus.PUBLISHED,
            course__campaign__status=ContentStatus.PUBLISHED,
        )
        .select_related("course__campaign", "course__stage", "course__theme")
        .order_by(
            "course__campaign__starts_on",
            "course__stage__number",
            "course__order",
            "course_id",
            "order",
            "id",
        )
    )
    return [lesson for lesson in candidates if Audience.STUDENT in (lesson.course.audiences or [])]


def fitting_lessons(lessons: list[Lesson], school: Unit, level: int) -> list[Lesson]:
    """The lessons whose course fits the school type and the grade level."""
    return [lesson for lesson in lessons if student_fits(lesson.course, school.school_type, level)]


def assignments_of(klass: SchoolClass) -> QuerySet[ClassAssignment]:
    return (
        ClassAssignment.objects.filter(school_class=klass)
        .select_related("lesson__course")
        .order_by("due_on", "id")
    )


def open_sessions(klass: SchoolClass) -> QuerySet[ClassroomSession]:
    return ClassroomSession.objects.filter(school_class=klass, status=SessionStatus.OPEN).select_related(
        "lesson", "teacher"
    )


def session_for(klass: SchoolClass, session_id: int) -> ClassroomSession:
    """A classroom session of a class (reached through `class_for`, so already checked)."""
    return get_object_or_404(
        ClassroomSession.objects.filter(school_class=klass).select_related("lesson__course", "teacher"),
        pk=session_id,
    )


# -- the progress board ------------------------------------------------------------------------
DONE, STARTED, NOT_STARTED = "done", "started", "none"


@dataclass
class Cell:
    assignment: ClassAssignment
    state: str = NOT_STARTED
    minutes: int = 0
    completed_on: dt.date | None = None
    overdue: bool = False  # past its due date and not completed


@dataclass
class StudentRow:
    student: Student
    cells: list[Cell]
    last_completed_on: dt.date | None = None
    idle: bool = False  # nothing completed within the interval while lessons were due

    @property
    def has_account(self) -> bool:
        return self.student.user_id is not None

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c.state == DONE)

    @property
    def overdue(self) -> int:
        return sum(1 for c in self.cells if c.overdue)

    @property
    def behind(self) -> bool:
        return bool(self.overdue) or self.idle


@dataclass
class ClassBoard:
    klass: SchoolClass
    today: dt.date
    interval: int
    assignments: list[ClassAssignment] = field(default_factory=list)
    rows: list[StudentRow] = field(default_factory=list)
    # the class's progress in its campaigns' courses, assigned or not (`class_campaigns`)
    campaigns: list[Any] = field(default_factory=list)
    offered: list[Lesson] = field(default_factory=list)  # lessons offered to the class (`lessons_for_class`)

    @property
    def due(self) -> list[ClassAssignment]:
        return [a for a in self.assignments if a.due_on <= self.today]

    @property
    def next_due(self) -> ClassAssignment | None:
        return next((a for a in self.assignments if a.due_on >= self.today), None)

    @property
    def behind_rows(self) -> list[StudentRow]:
        return [r for r in self.rows if r.behind]

    @property
    def done_rate(self) -> int | None:
        """Percent of (student, lesson due so far) pairs completed; None when nothing is due yet."""
        due = {a.pk for a in self.due}
        total = len(due) * len(self.rows)
        if not total:
            return None
        done = sum(1 for r in self.rows for c in r.cells if c.assignment.pk in due and c.state == DONE)
        return round(100 * done / total)


def _is_idle(row: StudentRow, assignments: list[ClassAssignment], today: dt.date, interval: int) -> bool:
    """No lesson completed within the last `interval` days while lessons fell due in that time,
    and a lesson due by today remains to be done (working ahead is not falling behind)."""
    window_start = today - dt.timedelta(days=interval)
    due_in_window = any(window_start < a.due_on <= today for a in assignments)
    recent = row.last_completed_on is not None and row.last_completed_on > window_start
    remaining = any(c.state != DONE and c.assignment.due_on <= today for c in row.cells)
    return due_in_window and not recent and remaining


def build_boards(
    user: Any, classes: list[SchoolClass], *, today: dt.date | None = None
) -> dict[int, ClassBoard]:
    """Boards of the given (already reachable) classes, in five queries plus the policy and the
    offered lessons per school."""
    today = today or timezone.localdate()
    class_ids = [k.pk for k in classes]
    intervals: dict[int, int] = {}
    boards: dict[int, ClassBoard] = {}
    for klass in classes:
        if klass.unit_id not in intervals:
            intervals[klass.unit_id] = interval_days(klass)
        boards[klass.pk] = ClassBoard(klass=klass, today=today, interval=intervals[klass.unit_id])
    if not class_ids:
        return boards
    for a in (
        ClassAssignment.objects.visible_to(user)
        .filter(school_class_id__in=class_ids)
        .select_related("lesson")
        .order_by("due_on", "lesson__order", "id")
    ):
        boards[a.school_class_id].assignments.append(a)
    students = list(
        Student.objects.visible_to(user)
        .filter(school_class_id__in=class_ids, status=StudentStatus.ENROLLED)
        .select_related("user")
        .order_by("name", "pk")
    )
    in_classes = Q(
        learner__student__school_class_id__in=class_ids, learner__student__status=StudentStatus.ENROLLED
    )
    lesson_ids = {a.lesson_id for b in boards.values() for a in b.assignments}
    progress: dict[tuple[int, int], tuple[float, dt.datetime | None]] = {}
    if lesson_ids:
        for learner_id, lesson_id, credited, completed in (
            LessonProgress.objects.visible_to(user)
            .filter(in_classes, lesson_id__in=lesson_ids)
            .values_list("learner_id", "lesson_id", "credited_s", "completed_at")
        ):
            progress[(learner_id, lesson_id)] = (credited, completed)
    last_done = {
        row["learner"]: row["last"]
        for row in LessonProgress.objects.visible_to(user)
        .filter(in_classes, completed_at__isnull=False)
        .order_by()
        .values("learner")
        .annotate(last=Max("completed_at"))
    }
    by_class: dict[int, list[Student]] = defaultdict(list)
    for s in students:
        by_class[s.school_class_id].append(s)
    for board in boards.values():
        for student in by_class[board.klass.pk]:
            board.rows.append(_row(student, board, progress, last_done.get(student.user_id)))
    from .class_campaigns import attach_campaigns

    attach_campaigns(user, list(boards.values()))
    return boards


def _row(
    student: Student,
    board: ClassBoard,
    progress: dict[tuple[int, int], tuple[float, dt.datetime | None]],
    last_done: dt.datetime | None,
) -> StudentRow:
    cells = []
    for a in board.assignments:
        cell = Cell(assignment=a)
        credited, completed = (
            progress.get((student.user_id, a.lesson_id), (0.0, None)) if student.user_id else (0, None)
        )
        if completed is not None:
            cell.state, cell.completed_on = DONE, timezone.localtime(completed).date()
        elif credited > 0:
            cell.state = STARTED
        cell.minutes = int(credited // 60) if credited else 0
        cell.overdue = cell.state != DONE and a.due_on < board.today
        cells.append(cell)
    row = StudentRow(student=student, cells=cells)
    row.last_completed_on = timezone.localtime(last_done).date() if last_done else None
    row.idle = _is_idle(row, board.assignments, board.today, board.interval)
    return row


def class_board(user: Any, klass: SchoolClass, *, today: dt.date | None = None) -> ClassBoard:
    return build_boards(user, [klass], today=today)[klass.pk]
