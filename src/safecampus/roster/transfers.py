"""Transfers between schools (转学), decided by the bureau over both schools.

The sending or the receiving school asks; the bureau above both (the county for two schools of
one county, their common city or province bureau otherwise) accepts or rejects; the school that
asked may cancel. On accept the student row moves to the new school with their account, class,
memberships and enrollment history, so everything attached to the student or their account
(learning history, audit trail) stays with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.accounts import services as accounts
from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import has_perm_at
from safecampus.core.signals import people_changed
from safecampus.core.validators import normalise

from . import enrollment
from .models import (
    EnrollmentReason,
    Guardian,
    SchoolClass,
    Student,
    StudentStatus,
    TransferRequest,
    TransferStatus,
)

T = TransferStatus
REASON_MAX = 500


def manages_school(actor: Any, school: Unit) -> bool:
    """A people manager (school admin, principal) of exactly this school, acting as the school."""
    return holds_at(actor, Perm.MANAGE_USERS, school, here=True)


def common_bureau(a: Unit, b: Unit) -> Unit | None:
    """The nearest unit above both schools (their county, city or province)."""
    step = Unit.steplen
    n = 0
    while n + step <= min(len(a.path), len(b.path)) and a.path[n : n + step] == b.path[n : n + step]:
        n += step
    if n == len(a.path) or n == len(b.path):
        n -= step  # one is above the other: their common bureau is above the upper one
    return Unit.objects.filter(path=a.path[:n]).first() if n > 0 else None


def can_decide(actor: Any, tr: TransferRequest) -> bool:
    """Bureau administrators and safety officers over both schools."""
    bureau = common_bureau(tr.unit, tr.to_school)
    return bureau is not None and has_perm_at(actor, Perm.MANAGE_USERS, bureau)


def can_choose_class(actor: Any, tr: TransferRequest) -> bool:
    return tr.status == T.REQUESTED and (manages_school(actor, tr.to_school) or can_decide(actor, tr))


def can_cancel(actor: Any, tr: TransferRequest) -> bool:
    return manages_school(actor, tr.requested_by_school)


# action: (from states, to state, who may take it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, Callable[[Any, TransferRequest], bool]]] = {
    "accept": (frozenset({T.REQUESTED}), T.ACCEPTED, can_decide),
    "reject": (frozenset({T.REQUESTED}), T.REJECTED, can_decide),
    "cancel": (frozenset({T.REQUESTED}), T.CANCELLED, can_cancel),
}


def may(actor: Any, action: str, tr: TransferRequest) -> bool:
    sources, _target, who = TRANSITIONS[action]
    return tr.status in sources and who(actor, tr)


def _clean_note(text: str, field: str) -> str:
    note = " ".join(str(text or "").split())
    if len(note) > REASON_MAX:
        raise Invalid(_("Please write at most %(n)d characters.") % {"n": REASON_MAX}, field=field)
    return note


def _requesting_school(actor: Any, from_school: Unit, to_school: Unit) -> Unit:
    for school in (from_school, to_school):
        if school.kind == UnitKind.SCHOOL and manages_school(actor, school):
            return school
    raise PermissionDenied("roster.request_transfer")


def _check_target(klass: SchoolClass, to_school: Unit, student: Student) -> None:
    if klass.unit_id != to_school.pk:
        raise Invalid(_("Choose a class of the receiving school."), field="target_class")
    current = student.school_class.grade.school_year if student.school_class_id else None
    if current is not None and klass.grade.school_year < current:
        raise Invalid(_("Choose a class of the current school year."), field="target_class")


def find_enrolled_student(school: Unit, name: str, number: str) -> Student | None:
    """The enrolled student of `school` with this exact name and student or ID-card number."""
    name, number = " ".join(str(name or "").split()), normalise(number or "").upper()
    if not name or not number:
        return None
    return (
        Student.objects.with_number(number)
        .filter(unit=school, name=name, status=StudentStatus.ENROLLED)
        .first()
    )


@transaction.atomic
def request_transfer(
    student: Student,
    to_school: Unit,
    *,
    actor: Any,
    reason: str = "",
    target_class: SchoolClass | None = None,
) -> TransferRequest:
    """The sending or the receiving school asks for the student's transfer."""
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("unit", "school_class__grade")
        .get(pk=student.pk)
    )
    from_school = student.unit
    asking = _requesting_school(actor, from_school, to_school)
    if student.status != StudentStatus.ENROLLED:
        raise Invalid(_("Only an enrolled student can be transferred."))
    if to_school.kind != UnitKind.SCHOOL or not to_school.is_active:
        raise Invalid(_("Choose an active school to transfer to."), field="to_school")
    if to_school.pk == from_school.pk:
        raise Invalid(_("The student already attends this school."), field="to_school")
    if common_bureau(from_school, to_school) is None:
        raise Invalid(_("No bureau is above both schools; the transfer cannot be decided here."))
    if target_class is not None:
        if asking.pk != to_school.pk:
            raise Invalid(_("The receiving school chooses the class."), field="target_class")
        _check_target(target_class, to_school, student)
    if TransferRequest.objects.filter(student=student, status=T.REQUESTED).exists():
        raise Conflict(_("A transfer of this student is already waiting for a decision."))
    tr = TransferRequest(
        student=student,
        from_class=student.school_class,
        to_school=to_school,
        target_class=target_class,
        reason=_clean_note(reason, "reason"),
        requested_by=actor,
        requested_by_school=asking,
    )
    tr.set_unit(from_school)
    try:
        with transaction.atomic():
            tr.save()
    except IntegrityError:
        raise Conflict(_("A transfer of this student is already waiting for a decision.")) from None
    audit.record(actor, "roster.transfer_requested", tr, unit=asking, after=tr.audit_snapshot())
    return tr


@transaction.atomic
def request_transfer_for(
    *, actor: Any, from_school: Unit, to_school: Unit, name: str, number: str, reason: str = ""
) -> TransferRequest:
    """A request from the form: the student named by name and number at the sending school.
    The actor must manage one of the two schools before anything is looked up."""
    _requesting_school(actor, from_school, to_school)
    student = find_enrolled_student(from_school, name, number)
    if student is None:
        raise Invalid(
            _("No enrolled student of %(school)s has this name and number.") % {"school": from_school.name},
            field="number",
        )
    return request_transfer(student, to_school, actor=actor, reason=reason)


def _locked(tr: TransferRequest) -> TransferRequest:
    return (
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "to_school", "requested_by_school", "student", "target_class__grade")
        .get(pk=tr.pk)
    )


def _decided(tr: TransferRequest) -> Conflict:
    return Conflict(
        _("This transfer request is already %(status)s; nothing was changed.")
        % {"status": str(T(tr.status).label).lower()}
    )


def _take(tr: TransferRequest, action: str, actor: Any, **changes: Any) -> None:
    """Permission, then compare-and-set on the status."""
    sources, target, who = TRANSITIONS[action]
    if not who(actor, tr):
        raise PermissionDenied(f"roster.transfer_{action}")
    moved = TransferRequest.objects.filter(pk=tr.pk, status__in=sources).update(status=target, **changes)
    if not moved:
        raise _decided(tr)
    for key, value in {"status": target, **changes}.items():
        setattr(tr, key, value)


@transaction.atomic
def choose_target_class(tr: TransferRequest, school_class: SchoolClass, *, actor: Any) -> TransferRequest:
    """The receiving school (or the deciding bureau) chooses the class the student will join."""
    tr = _locked(tr)
    if not (manages_school(actor, tr.to_school) or can_decide(actor, tr)):
        raise PermissionDenied("roster.transfer_class")
    if tr.status != T.REQUESTED:
        raise _decided(tr)
    _check_target(school_class, tr.to_school, tr.student)
    before = tr.audit_snapshot()
    TransferRequest.objects.filter(pk=tr.pk, status=T.REQUESTED).update(target_class=school_class)
    tr.target_class = school_class
    audit.record(
        actor, "roster.transfer_class_chosen", tr, unit=tr.to_school, before=before, after=tr.audit_snapshot()
    )
    return tr


@transaction.atomic
def accept_transfer(
    tr: TransferRequest,
    *,
    actor: Any,
    target_class: SchoolClass | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> TransferRequest:
    """The bureau accepts: the student moves to the receiving school, into the chosen class."""
    tr = _locked(tr)
    if not can_decide(actor, tr):
        raise PermissionDenied("roster.transfer_accept")
    if tr.status != T.REQUESTED:
        raise _decided(tr)
    klass = target_class or tr.target_class
    if klass is None:
        raise Invalid(_("Choose the class the student joins at the receiving school."), field="target_class")
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("school_class__grade")
        .get(pk=tr.student_id)
    )
    _check_target(klass, tr.to_school, student)
    if not tr.to_school.is_active:
        raise Invalid(_("The receiving school is no longer active."))
    before = tr.audit_snapshot()
    now = timezone.now()
    note = _clean_note(note, "note")
    _take(tr, "accept", actor, decided_by=actor, decided_at=now, target_class=klass, decision_note=note)
    _move_student(student, tr.unit, tr.to_school, klass, actor=actor, on=on or timezone.localdate())
    audit.record(actor, "roster.transfer_accepted", tr, before=before, after=tr.audit_snapshot())
    return tr


@transaction.atomic
def reject_transfer(tr: TransferRequest, *, actor: Any, note: str = "") -> TransferRequest:
    tr = _locked(tr)
    before = tr.audit_snapshot()
    note = _clean_note(note, "note")
    _take(tr, "reject", actor, decided_by=actor, decided_at=timezone.now(), decision_note=note)
    audit.record(actor, "roster.transfer_rejected", tr, before=before, after=tr.audit_snapshot())
    return tr


@transaction.atomic
def cancel_transfer(tr: TransferRequest, *, actor: Any) -> TransferRequest:
    tr = _locked(tr)
    before = tr.audit_snapshot()
    _take(tr, "cancel", actor)
    audit.record(
        actor,
        "roster.transfer_cancelled",
        tr,
        unit=tr.requested_by_school,
        before=before,
        after=tr.audit_snapshot(),
    )
    return tr


def _move_student(
    student: Student, from_school: Unit, to_school: Unit, klass: SchoolClass, *, actor: Any, on: dt.date
) -> None:
    """Move the student row, their enrollment, their account's membership and their parents'."""
    before = {**student.audit_snapshot(), "school": from_school.name}
    moved = Student.objects.filter(pk=student.pk, unit=from_school, status=StudentStatus.ENROLLED).update(
        unit=to_school, unit_path=to_school.path, school_class=klass, updated_at=timezone.now()
    )
    if moved != 1:
        raise Conflict(_("The student is no longer enrolled at the sending school; nothing was changed."))
    people_changed.send(sender=Student, unit_ids=[from_school.pk, to_school.pk])
    enrollment.close_open([student.pk], on=on, end_reason=EnrollmentReason.TRANSFERRED_OUT)
    enrollment.open_for(
        [(student.pk, klass)], school=to_school, on=on, reason=EnrollmentReason.TRANSFERRED_IN
    )
    if student.user_id:
        _move_membership(student.user, Role.STUDENT, from_school, to_school, actor=actor, keep_old=False)
    for g in Guardian.objects.filter(student=student).select_related("parent"):
        other_children = Guardian.objects.filter(parent=g.parent, student__unit=from_school).exists()
        _move_membership(g.parent, Role.PARENT, from_school, to_school, actor=actor, keep_old=other_children)
    student.refresh_from_db()
    after = {**student.audit_snapshot(), "school": to_school.name}
    audit.record(actor, "roster.student_transferred", student, unit=to_school, before=before, after=after)


def _move_membership(
    user: Any, role: str, from_school: Unit, to_school: Unit, *, actor: Any, keep_old: bool
) -> None:
    """Through the accounts services, so every grant and revocation is audited as usual."""
    if not keep_old:
        for m in Membership.objects.filter(user=user, unit=from_school, role=role, is_active=True):
            accounts.revoke_role(m, actor=actor)
    if not Membership.objects.filter(user=user, unit=to_school, role=role, is_active=True).exists():
        accounts.assign_role(user, actor=actor, unit=to_school, role=role)
