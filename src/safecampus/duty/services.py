"""Every change to a duty shift: plan, edit and remove one (the school's managers, `duties.manage`),
take it over and hand it over with a note (only its person). Rotas are in `rotas.py`, swaps in
`swaps.py`, the missed-shift job in `missed.py`.

Each service checks who may act, validates (translated errors, nothing written on bad input),
moves the status by compare-and-set through `SHIFT_TRANSITIONS` and records the audit event in
the same transaction. Phone writes carry a `client_id`: the same id again answers the first
result.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.cleaning import clean_text, client_uuid
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, Role, school_roles

from . import times
from .models import KIND_SLOTS, SHIFT_TRANSITIONS, Kind, Shift, ShiftStatus

MAX_NOTE = 1000
MAX_POST = 60
NOT_STAFF = {Role.STUDENT, Role.PARENT}


def client_key(value: Any) -> uuid.UUID | None:
    return client_uuid(value)


def may_manage(user: Any, unit: Unit) -> bool:
    return holds_at(user, Perm.MANAGE_DUTIES, unit, here=True)  # the school's own office, not a bureau


def require_manager(user: Any, unit: Unit) -> None:
    if not may_manage(user, unit):
        raise PermissionDenied(
            _("Only the school's safety office, principal or administrator plans duty shifts.")
        )


def school_of(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Duty shifts belong to a school."), field="unit")
    return unit


def staff_ids(unit: Unit) -> set[int]:
    """Active users holding a staff role (not a student's or parent's) at the school."""
    roles = [r for r in school_roles() if r not in NOT_STAFF]
    rows = Membership.objects.filter(unit=unit, is_active=True, user__is_active=True, role__in=roles)
    return set(rows.values_list("user_id", flat=True))


def colleague(unit: Unit, person: Any, field: str = "person") -> Any:
    """A staff member of the school, from an id or a user; anything else is a translated error."""
    from safecampus.accounts.models import User

    pk = getattr(person, "pk", person)
    if isinstance(pk, bool):
        pk = None
    try:
        pk = int(str(pk))
    except (TypeError, ValueError):
        pk = None
    if pk is None or not 0 < pk < 2**63 or pk not in staff_ids(unit):
        raise Invalid(_("Choose a member of the school's staff."), field=field)
    return User.objects.get(pk=pk)


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # dates a roster may name


def parse_day(value: Any, field: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = parse_date(str(value or ""))
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(_("Enter a valid date (YYYY-MM-DD)."), field=field)
    return day


def kind_and_slot(kind: Any, slot: Any) -> tuple[str, str]:
    if kind not in Kind.values:
        raise Invalid(_("Choose leadership shift, teacher on duty or school-gate post."), field="kind")
    slots = KIND_SLOTS[kind]
    if slot in (None, "") and len(slots) == 1:
        slot = slots[0]
    if slot not in slots:
        raise Invalid(_("Choose a slot of this kind of shift."), field="slot")
    return kind, slot


def snapshot(shift: Shift) -> dict[str, Any]:
    return {
        "kind": shift.kind,
        "slot": shift.slot,
        "date": shift.date.isoformat(),
        "person": shift.person_id,
        "post": shift.post,
        "start": shift.start,
        "end": shift.end,
        "status": shift.status,
    }


def _no_double(
    unit: Unit, kind: str, slot: str, day: dt.date, person: Any, exclude: int | None = None
) -> None:
    same = Shift.objects.filter(unit=unit, kind=kind, slot=slot, date=day, person=person)
    if exclude:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise Invalid(_("This person is already on this shift that day."), field="person")


@transaction.atomic
def create_shift(
    unit: Unit, *, actor: Any, kind: Any, slot: Any = None, date: Any, person: Any, post: Any = ""
) -> Shift:
    """Plan one shift at a school (a manager of the school)."""
    school_of(unit)
    require_manager(actor, unit)
    kind, slot = kind_and_slot(kind, slot)
    day = parse_day(date)
    if day < timezone.localdate():
        raise Invalid(_("A shift cannot be planned on a past day."), field="date")
    who = colleague(unit, person)
    post = clean_text(post, MAX_POST, "post")
    _no_double(unit, kind, slot, day, who)
    start, end = times.window(unit, kind, slot, day)
    shift = Shift(
        kind=kind, slot=slot, date=day, start=start, end=end, person=who, post=post, created_by=actor
    )
    shift.set_unit(unit)
    shift.save()
    audit.record(actor, "duty.shift_planned", shift, after=snapshot(shift))
    return shift


@transaction.atomic
def edit_shift(shift: Shift, *, actor: Any, **changes: Any) -> Shift:
    """Change a planned shift's person, day, slot or post (a manager of the school)."""
    require_manager(actor, shift.unit)
    if shift.status != ShiftStatus.PLANNED:
        raise Conflict(_("Only a shift that has not been taken over can be changed."))
    before = snapshot(shift)
    kind, slot = kind_and_slot(shift.kind, changes.get("slot", shift.slot))
    day = parse_day(changes["date"]) if changes.get("date") not in (None, "") else shift.date
    if day != shift.date and day < timezone.localdate():
        raise Invalid(_("A shift cannot be planned on a past day."), field="date")
    who = (
        colleague(shift.unit, changes["person"]) if changes.get("person") not in (None, "") else shift.person
    )
    post = clean_text(changes.get("post", shift.post), MAX_POST, "post")
    _no_double(shift.unit, kind, slot, day, who, exclude=shift.pk)
    start, end = times.window(shift.unit, kind, slot, day)
    moved = Shift.objects.filter(pk=shift.pk, status=ShiftStatus.PLANNED).update(
        slot=slot, date=day, person=who, post=post, start=start, end=end, updated_at=timezone.now()
    )
    if not moved:
        raise Conflict(_("Only a shift that has not been taken over can be changed."))
    shift.refresh_from_db()
    audit.record(actor, "duty.shift_changed", shift, before=before, after=snapshot(shift))
    return shift


@transaction.atomic
def remove_shift(shift: Shift, *, actor: Any) -> None:
    """Take a planned shift off the roster (a manager of the school)."""
    require_manager(actor, shift.unit)
    if shift.status != ShiftStatus.PLANNED or shift.swaps.exists():
        raise Conflict(_("Only a planned shift without swaps can be removed."))
    audit.record(actor, "duty.shift_removed", shift, before=snapshot(shift))
    shift.delete()


def _move(shift: Shift, action: str, **values: Any) -> bool:
    sources, target = SHIFT_TRANSITIONS[action]
    return bool(Shift.objects.filter(pk=shift.pk, status__in=sources).update(status=target, **values))


def _fresh_key(column: str, key: uuid.UUID | None) -> None:
    if key is not None and Shift.objects.filter(**{column: key}).exists():
        raise Invalid(_("This client id was already used for another shift."), field="client_id")


def _mine(shift: Shift, actor: Any) -> None:
    if getattr(actor, "pk", None) != shift.person_id:
        raise PermissionDenied(_("Only the person on the shift can take it over or hand it over."))


@transaction.atomic
def take_over(
    shift: Shift, *, actor: Any, client_id: Any = None, note: Any = "", now: dt.datetime | None = None
) -> Shift:
    """The person on the shift takes it over (接班), from shortly before its start until its end."""
    key = client_key(client_id)
    if key is not None and shift.take_over_client_id == key:
        return shift  # a retry: the first result
    _mine(shift, actor)
    _fresh_key("take_over_client_id", key)
    now = now or timezone.now()
    note = clean_text(note, MAX_NOTE, "note", multiline=True)
    if shift.status not in SHIFT_TRANSITIONS["take_over"][0]:
        raise Conflict(_("This shift has already been taken over."))
    opens = times.take_over_opens(shift)
    if now < opens:
        local = timezone.localtime(opens)
        raise Invalid(
            _("The shift can be taken over from %(time)s.") % {"time": f"{local:%Y-%m-%d %H:%M}"},
            field="status",
        )
    if now >= shift.end:
        raise Invalid(_("This shift is over: it can no longer be taken over."), field="status")
    late = shift.status == ShiftStatus.MISSED
    if not _move(
        shift, "take_over", take_over_at=now, take_over_note=note, take_over_client_id=key, updated_at=now
    ):
        raise Conflict(_("This shift has already been taken over."))
    shift.refresh_from_db()
    audit.record(actor, "duty.taken_over", shift, after={"status": shift.status, "note": note, "late": late})
    return shift


@transaction.atomic
def hand_over(
    shift: Shift, *, actor: Any, client_id: Any = None, note: Any = "", now: dt.datetime | None = None
) -> Shift:
    """The person on duty hands the shift over (交班) with the handover note (交接班记录)."""
    key = client_key(client_id)
    if key is not None and shift.hand_over_client_id == key:
        return shift
    _mine(shift, actor)
    _fresh_key("hand_over_client_id", key)
    now = now or timezone.now()
    note = clean_text(note, MAX_NOTE, "note", multiline=True)
    if shift.status == ShiftStatus.HANDED_OVER:
        raise Conflict(_("This shift has already been handed over."))
    if shift.status != ShiftStatus.ON_DUTY:
        raise Conflict(_("Take the shift over before handing it over."))
    if not note:
        raise Invalid(
            _("Write the handover note: what happened and what the next person must know."), field="note"
        )
    if not _move(
        shift, "hand_over", hand_over_at=now, hand_over_note=note, hand_over_client_id=key, updated_at=now
    ):
        raise Conflict(_("This shift has already been handed over."))
    shift.refresh_from_db()
    audit.record(actor, "duty.handed_over", shift, after={"status": shift.status, "note": note})
    return shift
