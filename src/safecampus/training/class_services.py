"""Class work services: lessons assigned to a class on the policy's cadence, and classroom
sessions whose present students are credited exactly once.

Who may act: the class's head teacher and assistants, and the school's own training managers
(`class_queries.can_manage_class`). Every change is checked, validated, written and recorded in
the audit trail in one transaction.

A classroom session is closed by compare-and-set (open → closed): a second finish, a double
click or a retried request finds it closed and credits nobody again. Each present student's
credit goes through `ProgressBook.add_raw(..., classroom=True)` under that student's
`LearnerClock` lock, the same lock heartbeats take, so it never races their own learning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.roster.models import SchoolClass, Student, StudentStatus

from .class_models import ClassAssignment, ClassroomAttendance, ClassroomSession, SessionStatus
from .class_queries import can_manage_class, interval_days, lessons_for_class
from .learner import learner_of
from .models import Audience, Lesson
from .progress import ProgressBook
from .progress_models import LearnerClock

MAX_LESSONS_PER_ASSIGNMENT = 60
START_RANGE_DAYS = 366

# Why a student ticked as present was not credited.
NOT_IN_CLASS = "not_in_class"
NOT_ENROLLED = "not_enrolled"
NO_ACCOUNT = "no_account"
SKIP_REASONS = {
    NOT_IN_CLASS: gettext_lazy("not a student of this class"),
    NOT_ENROLLED: gettext_lazy("not enrolled"),
    NO_ACCOUNT: gettext_lazy("no active student account"),
}


def require_class_manager(actor: Any, klass: SchoolClass) -> None:
    if not can_manage_class(actor, klass):
        raise PermissionDenied("training.manage_class")


def _lock_class(klass: SchoolClass) -> SchoolClass:
    """Serialise changes to one class's work (assignments, sessions)."""
    return SchoolClass.objects.select_for_update().get(pk=klass.pk)


def _date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise Invalid(_("Enter a date as YYYY-MM-DD."), field=field_name) from None
    today = timezone.localdate()
    if abs((value - today).days) > START_RANGE_DAYS:
        raise Invalid(_("Choose a start date within a year of today."), field=field_name)
    return value


def _offered(klass: SchoolClass, lesson: Lesson) -> Lesson:
    offered = {x.pk: x for x in lessons_for_class(klass)}
    if lesson.pk not in offered:
        raise Invalid(
            _("“%(title)s” is not offered to the students of this class.") % {"title": lesson.title}
        )
    return offered[lesson.pk]


# -- assignments -------------------------------------------------------------------------------
@transaction.atomic
def assign_lessons(
    klass: SchoolClass, lessons: list[Lesson], *, actor: Any, start_on: Any
) -> list[ClassAssignment]:
    """Schedule `lessons` (in the order given) for the class: the first due `interval` days after
    `start_on`, each next one `interval` days later. Lessons already assigned are skipped (they
    keep their date). Returns the new assignments."""
    require_class_manager(actor, klass)
    start = _date(start_on, "start_on")
    chosen: list[Lesson] = []
    for lesson in lessons:
        if lesson.pk not in {x.pk for x in chosen}:
            chosen.append(lesson)
    if not chosen:
        raise Invalid(_("Choose at least one lesson."), field="lessons")
    if len(chosen) > MAX_LESSONS_PER_ASSIGNMENT:
        raise Invalid(
            _("Choose at most %(n)s lessons at a time.") % {"n": MAX_LESSONS_PER_ASSIGNMENT}, field="lessons"
        )
    offered = {x.pk for x in lessons_for_class(klass)}
    for lesson in chosen:
        if lesson.pk not in offered:
            raise Invalid(
                _("“%(title)s” is not offered to the students of this class.") % {"title": lesson.title},
                field="lessons",
            )
    _lock_class(klass)
    existing = set(ClassAssignment.objects.filter(school_class=klass).values_list("lesson_id", flat=True))
    interval = interval_days(klass)
    created = []
    for lesson in (x for x in chosen if x.pk not in existing):
        step = len(created) + 1
        assignment = ClassAssignment(
            school_class=klass,
            lesson=lesson,
            due_on=start + dt.timedelta(days=interval * step),
            assigned_by=actor,
        )
        assignment.set_unit(klass.unit)
        created.append(assignment)
    if not created:
        return []
    ClassAssignment.objects.bulk_create(created)
    audit.record(
        actor,
        "training.lessons_assigned",
        klass,
        unit=klass.unit,
        after={
            "start_on": start.isoformat(),
            "interval_days": interval,
            "lessons": [
                {"lesson": a.lesson_id, "title": a.lesson.title, "due_on": a.due_on.isoformat()}
                for a in created
            ],
            "skipped": sorted(existing & {x.pk for x in chosen}),
        },
    )
    return created


@transaction.atomic
def unassign_lesson(klass: SchoolClass, lesson: Lesson, *, actor: Any) -> None:
    """Take a lesson off the class's schedule (the students keep what they learned)."""
    require_class_manager(actor, klass)
    _lock_class(klass)
    assignment = ClassAssignment.objects.filter(school_class=klass, lesson=lesson).first()
    if assignment is None:
        raise Invalid(_("This lesson is not assigned to the class."), field="lesson")
    before = {"lesson": lesson.pk, "title": lesson.title, "due_on": assignment.due_on.isoformat()}
    assignment.delete()
    audit.record(actor, "training.lesson_unassigned", klass, unit=klass.unit, before=before)


# -- classroom sessions ------------------------------------------------------------------------
@transaction.atomic
def start_session(klass: SchoolClass, lesson: Lesson, *, actor: Any) -> ClassroomSession:
    """Open a classroom session playing `lesson`. Starting the lesson that is already playing in
    the class returns that session; another lesson must be finished first."""
    require_class_manager(actor, klass)
    lesson = _offered(klass, lesson)
    _lock_class(klass)
    playing = ClassroomSession.objects.filter(school_class=klass, status=SessionStatus.OPEN).select_related(
        "lesson"
    )
    for session in playing:
        if session.lesson_id == lesson.pk:
            return session
        raise Conflict(
            _("“%(title)s” is still playing in this class. Finish it first.")
            % {"title": session.lesson.title}
        )
    session = ClassroomSession(school_class=klass, lesson=lesson, teacher=actor, started_at=timezone.now())
    session.set_unit(klass.unit)
    session.save()
    audit.record(
        actor,
        "training.classroom_started",
        klass,
        unit=klass.unit,
        after={"session": session.pk, "lesson": lesson.pk, "title": lesson.title},
    )
    return session


@dataclass
class Skipped:
    student_id: int
    name: str
    reason: str

    @property
    def reason_label(self) -> str:
        return str(SKIP_REASONS[self.reason])


@dataclass
class FinishResult:
    session: ClassroomSession
    credited: list[Student] = field(default_factory=list)
    present: list[Student] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _ids(values: Any) -> list[int]:
    ids = []
    for value in values or []:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 12:
            raise Invalid(_("The list of present students is not valid."), field="present")
        ids.append(int(text))
    return sorted(set(ids))


def _lock_clock(user: Any) -> LearnerClock:
    """The learner's clock row, locked as heartbeats lock it."""
    LearnerClock.objects.get_or_create(learner=user)
    return LearnerClock.objects.select_for_update().get(learner=user)


def _close(session: ClassroomSession, *, now: dt.datetime, credited_s: float) -> None:
    """Compare-and-set open → closed; nobody is credited twice."""
    moved = ClassroomSession.objects.filter(pk=session.pk, status=SessionStatus.OPEN).update(
        status=SessionStatus.CLOSED, ended_at=now, credited_s=credited_s
    )
    if not moved:
        raise Conflict(_("This classroom lesson is already finished; nobody was credited again."))
    session.status, session.ended_at, session.credited_s = SessionStatus.CLOSED, now, credited_s


def finish_session(
    session: ClassroomSession, *, actor: Any, present_student_ids: Any, now: dt.datetime | None = None
) -> FinishResult:
    """Close the session and credit each present student once with the time it ran (at most the
    lesson's length). Students not enrolled in the class are skipped; students without an
    active account are marked present but cannot be credited. All are reported."""
    klass = session.school_class
    require_class_manager(actor, klass)
    ids = _ids(present_student_ids)
    now = now or timezone.now()
    with transaction.atomic():
        lesson = Lesson.objects.select_related("course", "unit").get(pk=session.lesson_id)
        ran = max((now - session.started_at).total_seconds(), 0.0)
        credited_s = min(ran, float(lesson.duration_s))
        _close(session, now=now, credited_s=credited_s)
        result = FinishResult(session=session)
        found = {
            s.pk: s
            for s in Student.objects.visible_to(actor)
            .filter(pk__in=ids)
            .select_related("user", "school_class")
        }
        to_credit: list[Student] = []
        for sid in ids:
            student = found.get(sid)
            if student is None or student.school_class_id != klass.pk:
                result.skipped.append(Skipped(sid, student.name if student else "", NOT_IN_CLASS))
            elif student.status != StudentStatus.ENROLLED:
                result.skipped.append(Skipped(sid, student.name, NOT_ENROLLED))
            else:
                result.present.append(student)
                to_credit.append(student)
        ClassroomAttendance.objects.bulk_create(
            [ClassroomAttendance(session=session, student=s) for s in result.present]
        )
        for student in sorted(to_credit, key=lambda s: s.user_id or 0):
            if not _credit(student, lesson, credited_s, now):
                result.skipped.append(Skipped(student.pk, student.name, NO_ACCOUNT))
            else:
                result.credited.append(student)
        audit.record(
            actor,
            "training.classroom_finished",
            klass,
            unit=klass.unit,
            before={"session": session.pk, "status": SessionStatus.OPEN},
            after={
                "session": session.pk,
                "status": SessionStatus.CLOSED,
                "title": lesson.title,
                "lesson": lesson.pk,
                "credited_s": round(credited_s, 1),
                "present": [s.pk for s in result.present],
                "credited": [s.pk for s in result.credited],
                "skipped": {str(s.student_id): s.reason for s in result.skipped},
            },
        )
    return result


def _credit(student: Student, lesson: Lesson, seconds: float, at: dt.datetime) -> bool:
    """Credit one student under their clock lock; False when they have no active student account."""
    user = student.user
    if user is None or not user.is_active:
        return False
    learner = learner_of(user)
    if Audience.STUDENT not in learner.units:
        return False
    _lock_clock(user)
    book = ProgressBook(learner)
    row = book.lesson_row(lesson, Audience.STUDENT)
    book.add_raw(row, seconds, at, classroom=True)
    book.flush()
    return True


@transaction.atomic
def cancel_session(session: ClassroomSession, *, actor: Any) -> ClassroomSession:
    """Close a session without crediting anyone (started by mistake, or left open)."""
    klass = session.school_class
    require_class_manager(actor, klass)
    _close(session, now=timezone.now(), credited_s=0.0)
    audit.record(
        actor,
        "training.classroom_cancelled",
        klass,
        unit=klass.unit,
        before={"session": session.pk, "status": SessionStatus.OPEN},
        after={"session": session.pk, "status": SessionStatus.CLOSED, "credited_s": 0},
    )
    return session
