"""Reading and confirming: receipts written only when a recipient acts, each exactly once.

A receipt is unique per (notice, user, child): the first write inserts it (a concurrent second
device's insert fails on the unique constraint and reads the row instead), and `read_at` and
`confirmed_at` are set by compare-and-set (`… WHERE confirmed_at IS NULL`), so a replayed or
doubled request changes nothing and counts nothing twice. The reach roll-up's deltas are written
in the same transaction as the change they count.

Confirming records the text's version, the answer to the sender's question and — for a receipt
per child where the sender asked for one — the drawn signature (a PNG data URL or an SVG path).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict, Invalid

from . import rollup
from .audience import Slot
from .models import ConfirmMode, Notice, NoticeStatus, Receipt
from .queries import InboxItem, inbox_for_notice

MAX_SIGNATURE = 200_000  # characters of a data URL (about 150 KB of PNG)
PNG_PREFIX = "data:image/png;base64,"
SVG_PATH_RE = re.compile(r"^[MLHVCSQTAZmlhvcsqtaz0-9eE ,.\-]+$")


def _item(user: Any, notice: Notice) -> InboxItem:
    items = inbox_for_notice(user, notice) if notice.status == NoticeStatus.PUBLISHED else []
    if not items:
        raise Http404
    return items[0]


def _receipt(notice: Notice, user: Any, slot: Slot) -> tuple[Receipt, bool]:
    """The slot's receipt, inserted when missing (exactly once, whatever runs alongside)."""
    lookup = {"notice": notice, "user": user, "child_id": slot.child_id}
    found = Receipt.objects.filter(**lookup).first()
    if found is not None:
        return found, False
    r = Receipt(**lookup, grade_id=slot.grade_id, class_id=slot.class_id)
    r.unit_id, r.unit_path = slot.unit_id, slot.unit_path
    try:
        with transaction.atomic():
            r.save()
    except IntegrityError:
        return Receipt.objects.get(**lookup), False
    return r, True


def _set(r: Receipt, **changes: Any) -> bool:
    """Compare-and-set: the first of the changed fields still empty wins; counts the change."""
    name = next(iter(changes))
    before = rollup.state(r)
    moved = Receipt.objects.filter(pk=r.pk, **{f"{name}__isnull": True}).update(**changes)
    if not moved:
        return False
    for key, value in changes.items():
        setattr(r, key, value)
    rollup.changed(before, r)
    return True


def mark_read(notice: Notice, *, user: Any) -> tuple[list[Receipt], int]:
    """Mark every slot of the user read; returns (receipts, how many were newly read)."""
    item = _item(user, notice)
    now = timezone.now()
    fresh = 0
    out = []
    with transaction.atomic():
        for slot in item.slots:
            r, _created = _receipt(notice, user, slot)
            if r.read_at is None and _set(r, read_at=now):
                fresh += 1
            out.append(r)
    return out, fresh


def clean_signature(value: Any) -> str:
    """A PNG data URL (decoded and checked by its header) or an SVG path; '' when none."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    if len(text) > MAX_SIGNATURE:
        raise Invalid(_("The signature is too large."), field="signature")
    if text.startswith(PNG_PREFIX):
        try:
            raw = base64.b64decode(text[len(PNG_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
            raise Invalid(_("The signature is not a PNG image."), field="signature")
        return text
    if SVG_PATH_RE.match(text) and text[:1] in "Mm":
        return text
    raise Invalid(_("The signature must be a drawing (PNG) or an SVG path."), field="signature")


def _slots_to_confirm(item: InboxItem, notice: Notice, student_id: Any) -> list[Slot]:
    children = item.child_slots
    if notice.confirm == ConfirmMode.RECEIPT and children:
        if student_id in (None, ""):
            raise Invalid(_("Choose the child you sign the receipt for."), field="student_id")
        try:
            pk = int(student_id)
        except (TypeError, ValueError):
            raise Invalid(_("Choose the child you sign the receipt for."), field="student_id") from None
        slot = next((s for s in children if s.child_id == pk), None)
        if slot is None:
            raise Invalid(_("This notice asks no receipt of you for that child."), field="student_id")
        return [slot]
    if student_id not in (None, ""):
        slot = next((s for s in item.slots if str(s.child_id) == str(student_id)), None)
        if slot is None:
            raise Invalid(_("This notice asks no receipt of you for that child."), field="student_id")
        return [slot]
    return item.slots


def confirm(notice: Notice, *, user: Any, data: dict[str, Any]) -> tuple[list[Receipt], int]:
    """Confirm (or sign the receipt for one child); returns (receipts, how many newly confirmed).
    A second call changes nothing. Not a recipient: 404; a notice only to read: 400."""
    item = _item(user, notice)
    if notice.confirm == ConfirmMode.READ:
        raise Invalid(_("This notice is only to be read: there is nothing to confirm."), field="confirm")
    slots = _slots_to_confirm(item, notice, data.get("student_id"))
    answer = clean_text(data.get("answer"), 200, "answer")
    if notice.question and not answer:
        raise Invalid(_("Answer the question of the notice."), field="answer")
    signature = clean_signature(data.get("signature"))
    if notice.signature and not signature and any(s.child_id for s in slots):
        raise Invalid(_("Sign the receipt: draw your signature in the box."), field="signature")
    now = timezone.now()
    fresh = 0
    out = []
    with transaction.atomic():
        for slot in slots:
            r, _created = _receipt(notice, user, slot)
            if r.read_at is None:
                _set(r, read_at=now)  # confirming reads (each field set once, by its own compare)
            if r.confirmed_at is None:
                changes: dict[str, Any] = {"confirmed_at": now, "version": notice.version, "answer": answer}
                if slot.child_id:
                    changes["signature"] = signature
                if _set(r, **changes):
                    fresh += 1
                    # On the receipt, not the notice: the notice's timeline names no family.
                    audit.record(user, "notices.confirmed", r, unit=r.unit,
                                 after={"version": notice.version, "signed": bool(signature)})  # fmt: skip
            out.append(r)
    return out, fresh


def ensure_open(notice: Notice) -> None:
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("This notice is no longer in force."))
