"""Swaps (换班): the person on a planned shift asks a colleague of the same school to take it, with
a reason; the school's safety office, principal or administrator approves or rejects it — never
on a swap of their own shift. Approval moves the shift to the colleague by compare-and-set (a
shift taken over or changed meanwhile refuses). Both people are told of the decision; the
school's managers are told of a request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.roles import Perm
from safecampus.core.scoping import holders_of

from .models import SWAP_TRANSITIONS, Shift, ShiftStatus, Swap, SwapStatus
from .services import clean_text, client_key, colleague, may_manage

MAX_REASON = 300


def _link(name: str, *args: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _notify(users: set[int], swap: Swap, title: str, body: str, key: str) -> None:
    from safecampus.inbox.models import NotificationKind
    from safecampus.inbox.services import notify

    shift = swap.shift
    notify(
        users,
        kind=NotificationKind.MESSAGE,
        title=title,
        body=body,
        unit=shift.unit,
        params={
            "shift": f"{shift.get_kind_display()} {shift.date:%Y-%m-%d} {shift.get_slot_display()}",
            "from": swap.from_person.name,
            "to": swap.to_person.name,
        },
        link=_link("duty:swaps"),
        dedupe_key=f"duty-swap:{swap.pk}:{key}",
    )


@transaction.atomic
def request_swap(
    shift: Shift,
    *,
    actor: Any,
    to_person: Any,
    reason: Any,
    client_id: Any = None,
    now: dt.datetime | None = None,
) -> Swap:
    """The person on `shift` asks `to_person` (a colleague of the school) to take it."""
    key = client_key(client_id)
    if key is not None:
        first = Swap.objects.filter(client_id=key).first()
        if first is not None:
            if first.shift_id != shift.pk:
                raise Invalid(_("This client id was already used for another swap."), field="client_id")
            return first
    if getattr(actor, "pk", None) != shift.person_id:
        raise PermissionDenied(_("Only the person on the shift can ask for a swap."))
    now = now or timezone.now()
    reason = clean_text(reason, MAX_REASON, "reason")
    other = colleague(shift.unit, to_person, "to_person")
    if other.pk == actor.pk:
        raise Invalid(_("Choose a colleague other than yourself."), field="to_person")
    if not reason:
        raise Invalid(_("Give the reason for the swap."), field="reason")
    if shift.status != ShiftStatus.PLANNED or shift.start <= now:
        raise Conflict(_("Only a shift that has not started can be swapped."))
    same = Shift.objects.filter(
        unit=shift.unit, kind=shift.kind, slot=shift.slot, date=shift.date, person=other
    )
    if same.exists():
        raise Invalid(_("This colleague is already on this shift that day."), field="to_person")
    if Swap.objects.filter(shift=shift, status=SwapStatus.REQUESTED).exists():
        raise Conflict(_("A swap of this shift is already waiting for approval."))
    swap = Swap(shift=shift, from_person=actor, to_person=other, reason=reason, client_id=key)
    swap.set_unit(shift.unit)
    swap.save()
    audit.record(
        actor, "duty.swap_requested", swap, after={"shift": shift.pk, "to": other.pk, "reason": reason}
    )
    managers = (holders_of(Perm.MANAGE_DUTIES, [shift.unit]) | {other.pk}) - {actor.pk}
    transaction.on_commit(
        lambda: _notify(
            managers,
            swap,
            gettext_noop("Shift swap to approve: %(shift)s"),
            gettext_noop("%(from)s asks %(to)s to take the shift."),
            "requested",
        )
    )
    return swap


@transaction.atomic
def decide_swap(swap: Swap, *, actor: Any, action: str, note: Any = "") -> Swap:
    """Approve or reject a requested swap (a manager of the school, not one of its two people)."""
    if action not in SWAP_TRANSITIONS:
        raise Invalid(_("Approve or reject the swap."), field="action")
    if not may_manage(actor, swap.unit):
        raise PermissionDenied(
            _("Only the school's safety office, principal or administrator decides swaps.")
        )
    if getattr(actor, "pk", None) in (swap.from_person_id, swap.to_person_id):
        raise PermissionDenied(_("You cannot decide a swap of your own shift."))
    note = clean_text(note, MAX_REASON, "note")
    sources, target = SWAP_TRANSITIONS[action]
    now = timezone.now()
    if action == "approve":
        moved = Shift.objects.filter(pk=swap.shift_id, status=ShiftStatus.PLANNED, person=swap.from_person_id)
        clash = Shift.objects.filter(
            unit=swap.unit,
            kind=swap.shift.kind,
            slot=swap.shift.slot,
            date=swap.shift.date,
            person=swap.to_person_id,
        )
        if clash.exists():
            raise Conflict(_("This colleague is already on this shift that day."))
        if not moved.update(person=swap.to_person_id, updated_at=now):
            raise Conflict(_("The shift has changed since the swap was asked: it can no longer be swapped."))
    done = Swap.objects.filter(pk=swap.pk, status__in=sources).update(
        status=target, decided_by=actor, decided_at=now, decision_note=note
    )
    if not done:
        raise Conflict(_("This swap has already been decided."))
    swap.refresh_from_db()
    audit.record(
        actor, f"duty.swap_{target}", swap, after={"status": target, "note": note, "shift": swap.shift_id}
    )
    if action == "approve":
        audit.record(
            actor,
            "duty.shift_swapped",
            swap.shift,
            before={"person": swap.from_person_id},
            after={"person": swap.to_person_id},
        )
    people = {swap.from_person_id, swap.to_person_id}
    title = (
        gettext_noop("Shift swap approved: %(shift)s")
        if action == "approve"
        else gettext_noop("Shift swap rejected: %(shift)s")
    )
    transaction.on_commit(lambda: _notify(people, swap, title, gettext_noop("%(from)s → %(to)s"), target))
    return swap
