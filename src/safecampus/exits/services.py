"""Every change to an exit pass goes through here: who may, validation, write, audit, notices.

`request_exit` (the pupil's head teacher, or a parent of the pupil) always opens a pass as
pending; `decide` (approve / decline) is the class's head teacher's; `cancel` the requester's or
the head teacher's; the gate's exit and return are recorded by `exits.gate.check_code`. Each
transition is a compare-and-set on the status, from `exits.workflow.TRANSITIONS`, with its audit
event in the same transaction; the parents hear of it through the inbox after the commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import memberships
from safecampus.core.cleaning import clean_text, client_uuid
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.roles import Role
from safecampus.roster.models import Guardian, Student, StudentStatus
from safecampus.roster.teaching import heads

from . import notices
from .models import ExitKind, ExitPass, ExitStatus, RequestedAs
from .status import effective
from .workflow import HEAD_TEACHER, IN_WINDOW, REQUESTER, TRANSITIONS

# Unambiguous letters and digits (no 0/O, 1/I/L): 31 ** 10 ≈ 8 × 10^14 codes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_DAYS = {ExitKind.DAY: 1, ExitKind.BOARDING: 31}


def after_commit(fn: Any) -> None:
    """Run `fn` once the transaction commits (tests, whose transaction never commits, run it at once)."""
    transaction.on_commit(fn)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: Any) -> str:
    """A typed or scanned code: upper case, without spaces and hyphens."""
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())[:32]


def snapshot(p: ExitPass) -> dict[str, Any]:
    return {
        "student": p.student.name,
        "kind": p.kind,
        "reason": p.reason,
        "from": p.window_from.isoformat(),
        "until": p.window_until.isoformat(),
        "status": p.status,
    }


def _moment(value: Any, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            raise Invalid(_("Enter a valid date and time."), field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def is_parent_of(user: Any, student: Student) -> bool:
    """A parent account linked to the pupil, holding a parent role at the pupil's school."""
    if not any(student.unit_path.startswith(m.unit.path) for m in memberships(user, role=Role.PARENT)):
        return False
    return Guardian.objects.filter(student=student, parent=user).exists()


def requester_role(user: Any, student: Student) -> str | None:
    if heads(user, student.school_class):
        return RequestedAs.HEAD_TEACHER
    if is_parent_of(user, student):
        return RequestedAs.PARENT
    return None


def may(user: Any, exit_pass: ExitPass, action: str) -> bool:
    """May the user take `action` on the pass (its state aside)?"""
    from safecampus.core.access import holds_at
    from safecampus.core.roles import Perm

    who = TRANSITIONS[action][2]
    if who == HEAD_TEACHER:
        return heads(user, exit_pass.student.school_class)
    if who == REQUESTER:
        return exit_pass.requested_by_id == getattr(user, "pk", None) or heads(
            user, exit_pass.student.school_class
        )
    return holds_at(user, Perm.WORK_GATE, exit_pass.unit)


def _student(actor: Any, value: Any) -> Student:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Choose the pupil."), field="student_id") from None
    student = (
        Student.objects.visible_to(actor)
        .select_related("school_class", "unit")
        .filter(pk=pk, status=StudentStatus.ENROLLED, school_class__isnull=False)
        .first()
    )
    if student is None:
        raise Invalid(_("Choose the pupil."), field="student_id")
    return student


def clean_request(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The request's fields, each checked; `InvalidFields` names every wrong one."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def take(name: str, fn: Any) -> None:
        try:
            out[name] = fn()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))

    take("student", lambda: _student(actor, data.get("student_id")))
    take("kind", lambda: _kind(data.get("kind")))
    take(
        "reason",
        lambda: clean_text(data.get("reason"), 200, "reason", required=_("Give the reason for leaving.")),
    )
    take("window_from", lambda: _moment(data.get("from"), "from") or _required_moment("from"))
    take("window_until", lambda: _moment(data.get("until"), "until") or _required_moment("until"))
    take("client_id", lambda: client_uuid(data.get("client_id")))
    start, end = out.get("window_from"), out.get("window_until")
    if start and end:
        now = timezone.now()
        if end <= start:
            errors.setdefault("until", _("The end of the window must be after its start."))
        elif end <= now:
            errors.setdefault("until", _("The window is already over."))
        elif end - start > dt.timedelta(days=MAX_DAYS.get(out.get("kind", ExitKind.DAY), 1)):
            errors.setdefault(
                "until",
                _("A leave during school hours lasts one day at most; a boarding leave %(n)s days.")
                % {"n": MAX_DAYS[ExitKind.BOARDING]},
            )
    if out.get("kind") == ExitKind.BOARDING and "student" in out and not out["student"].boarding:
        errors.setdefault("kind", _("Only boarding pupils take boarding leave."))
    if errors:
        raise InvalidFields(errors)
    return out


def _kind(value: Any) -> str:
    if value in (None, ""):
        return ExitKind.DAY
    if value not in ExitKind.values:
        raise Invalid(_("Choose the kind of leave."), field="kind")
    return str(value)


def _required_moment(field: str) -> dt.datetime:
    raise Invalid(_("Give the time window."), field=field)


def request_exit(actor: Any, data: dict[str, Any]) -> tuple[ExitPass, bool]:
    """A head teacher or a parent asks for a pupil's leave; returns (pass, created). A retry with
    the same `client_id` answers the pass the first call opened."""
    try:
        client_id = client_uuid(data.get("client_id"))
    except Invalid:
        client_id = None  # named with the other fields by clean_request below
    if client_id is not None:
        earlier = ExitPass.objects.filter(requested_by=actor, client_id=client_id).first()
        if earlier is not None:
            return earlier, False
    fields = clean_request(actor, data)
    student: Student = fields["student"]
    role = requester_role(actor, student)
    if role is None:
        raise PermissionDenied("exits.request")
    p = ExitPass(
        student=student,
        kind=fields["kind"],
        reason=fields["reason"],
        window_from=fields["window_from"],
        window_until=fields["window_until"],
        requested_by=actor,
        requested_as=role,
        client_id=fields["client_id"],
    )
    p.set_unit(student.unit)
    for _attempt in range(5):
        p.code = new_code()
        try:
            with transaction.atomic():
                p.save()
                audit.record(actor, "exits.requested", p, after=snapshot(p))
                if role == RequestedAs.PARENT:
                    after_commit(lambda: notices.requested(p.pk))
            return p, True
        except IntegrityError:
            if client_id is not None:
                earlier = ExitPass.objects.filter(requested_by=actor, client_id=client_id).first()
                if earlier is not None:
                    return earlier, False
            p.pk = None
    raise Conflict(_("Could not issue a pass code; try again."))  # pragma: no cover


def _move(
    exit_pass: ExitPass, action: str, *, actor: Any, changes: dict[str, Any], after: dict[str, Any]
) -> ExitPass:
    """Compare-and-set `action` on the pass; audit it. The caller checked who may."""
    allowed_from, to_state, _who = TRANSITIONS[action]
    now = timezone.now()
    with transaction.atomic():
        # Lock the row and read only its state; the caller's pass already carries the pupil and
        # the school (the gate scans many passes a minute: no second round of joins).
        state = (
            ExitPass.objects.select_for_update()
            .filter(pk=exit_pass.pk)
            .values("status", "window_from", "window_until")
            .get()
        )
        locked = exit_pass
        for name, value in state.items():
            setattr(locked, name, value)
        if locked.status not in allowed_from or (
            action in IN_WINDOW and effective(locked, now) != locked.status
        ):
            raise Conflict(
                _("This pass is %(status)s: it cannot be changed that way.")
                % {"status": ExitStatus(effective(locked, now)).label}
            )
        was = locked.status
        moved = ExitPass.objects.filter(pk=locked.pk, status=was).update(status=to_state, **changes)
        if not moved:  # pragma: no cover - the row is locked above
            raise Conflict(_("The pass changed meanwhile; look again."))
        locked.status = to_state
        for name, value in changes.items():
            setattr(locked, name, value)
        audit.record(
            actor, f"exits.{action}", locked, before={"status": was}, after={"status": to_state, **after}
        )
    return locked


def decide(exit_pass: ExitPass, *, actor: Any, approve: bool, note: str = "") -> ExitPass:
    """The class's head teacher approves or declines a pending pass; the parents are told."""
    action = "approve" if approve else "decline"
    if not may(actor, exit_pass, action):
        raise PermissionDenied(f"exits.{action}")
    note = clean_text(note, 200, "note")
    done = _move(
        exit_pass,
        action,
        actor=actor,
        changes={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note},
        after={"note": note} if note else {},
    )
    after_commit(lambda: notices.decided(done))
    return done


def cancel(exit_pass: ExitPass, *, actor: Any) -> ExitPass:
    if not may(actor, exit_pass, "cancel"):
        raise PermissionDenied("exits.cancel")
    return _move(exit_pass, "cancel", actor=actor, changes={"cancelled_at": timezone.now()}, after={})


def record_gate(exit_pass: ExitPass, *, actor: Any, action: str) -> ExitPass:
    """The gate records the exit (`exit`) or the return (`return`) of a pass."""
    if not may(actor, exit_pass, action):
        raise PermissionDenied(f"exits.{action}")
    now = timezone.now()
    changes = (
        {"out_at": now, "out_by": actor} if action == "exit" else {"returned_at": now, "returned_by": actor}
    )
    done = _move(exit_pass, action, actor=actor, changes=changes, after={})
    after_commit(lambda: notices.passed_gate(done, action))
    return done
