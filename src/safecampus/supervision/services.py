"""Listing a hazard for supervision and the letters' life: every write goes through here
(permission, validation with translated errors, write, audit event, inbox after commit).

`list_hazard` / `lift_listing` (挂牌督办 and its lifting); `issue_letter` numbers a letter under the
counter's row lock; `act_letter` takes one step of `supervision.workflow.TRANSITIONS` with a
compare-and-set on the status, so two people acting at once cannot both succeed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.files.checks import Media, check_document, reencode_image
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.models import Unit
from safecampus.hazards.models import OPEN_STATUSES, Grade, Hazard, Status

from . import notices, numbering
from .common import acting_bureau, future_date, school_of, text
from .models import Letter, LetterKind, ListedSupervision, ListingStatus
from .workflow import TRANSITIONS, VERBS, check

ATTACHMENT_MB = 15


def list_hazard(hazard: Hazard, *, actor: Any, deadline: Any, note: Any = "") -> ListedSupervision:
    """List a major, open hazard for supervision (挂牌督办) by the actor's bureau."""
    school = school_of(hazard.unit)
    bureau = acting_bureau(actor, school)
    if hazard.grade != Grade.MAJOR:
        raise Invalid(_("Only a major hazard is listed for supervision."), field="hazard")
    if hazard.status not in OPEN_STATUSES:
        raise Conflict(_("This hazard is no longer open."))
    fields = {"deadline": future_date(deadline), "note": text(note, "note")}
    if ListedSupervision.objects.filter(hazard=hazard, status=ListingStatus.LISTED).exists():
        raise Conflict(_("This hazard is already listed for supervision."))
    listing = ListedSupervision(
        hazard=hazard, bureau=bureau, listed_by=actor, listed_at=timezone.now(), **fields
    )
    listing.set_unit(school)
    try:
        with transaction.atomic():
            listing.save()
            audit.record(actor, "supervision.listed", listing, after=_listing_snapshot(listing))
            transaction.on_commit(lambda: notices.listed(listing.pk))
    except IntegrityError:
        raise Conflict(_("This hazard is already listed for supervision.")) from None
    return listing


def _listing_snapshot(listing: ListedSupervision) -> dict[str, Any]:
    return {"hazard": listing.hazard.number, "bureau": listing.bureau_id, "status": listing.status,
            "deadline": listing.deadline.isoformat(), "note": listing.note}  # fmt: skip


def lift_listing(listing: ListedSupervision, *, actor: Any, note: Any = "") -> ListedSupervision:
    """Lift a listing: once the hazard is closed, or earlier with a reason."""
    acting_bureau(actor, listing.unit)
    note = text(note, "note")
    if listing.hazard.status != Status.CLOSED and not note:
        raise Invalid(_("The hazard is not closed yet: say why the supervision is lifted."), field="note")
    before = _listing_snapshot(listing)
    now = timezone.now()
    with transaction.atomic():
        moved = ListedSupervision.objects.filter(pk=listing.pk, status=ListingStatus.LISTED).update(
            status=ListingStatus.LIFTED, lifted_by=actor, lifted_at=now, lift_note=note
        )
        if not moved:
            raise Conflict(_("This supervision has already been lifted."))
        listing.refresh_from_db()
        audit.record(actor, "supervision.lifted", listing, before=before, after=_listing_snapshot(listing))
    return listing


def _hazards_of(school: Unit, ids: Any) -> list[Hazard]:
    try:
        wanted = {int(getattr(i, "pk", i)) for i in (ids or [])}
    except (TypeError, ValueError):
        raise Invalid(_("Choose hazards of this school."), field="hazards") from None
    found = list(Hazard.objects.filter(pk__in=wanted, unit=school).order_by("pk"))
    if len(found) != len(wanted):
        raise Invalid(_("Choose hazards of this school."), field="hazards")
    return found


def issue_letter(school: Unit, *, actor: Any, data: dict[str, Any]) -> Letter:
    """Issue an assignment or reminder letter to `school` about its hazards (and free-text items)."""
    school = school_of(school)
    bureau = acting_bureau(actor, school)
    kind = data.get("kind")
    if kind not in LetterKind.values:
        raise Invalid(_("Choose the kind of letter."), field="kind")
    hazards = _hazards_of(school, data.get("hazards"))
    extra = text(data.get("extra_items"), "extra_items", limit=2000)
    if not hazards and not extra:
        raise Invalid(_("Name at least one hazard or item."), field="hazards")
    body = text(data.get("body"), "body", required=_("Write the requirements."))
    deadline = future_date(data.get("deadline"))
    now = timezone.now()
    year = timezone.localdate().year
    with transaction.atomic():
        seq, number = numbering.allocate(bureau, kind, year)
        letter = Letter(bureau=bureau, kind=kind, year=year, seq=seq, number=number, extra_items=extra,
                        body=body, deadline=deadline, issued_by=actor, issued_at=now,
                        status_changed_at=now)  # fmt: skip
        letter.set_unit(school)
        letter.save()
        letter.hazards.set(hazards)
        audit.record(actor, "letter.issued", letter, after=_letter_snapshot(letter, hazards))
        transaction.on_commit(lambda: notices.letter_issued(letter.pk))
    return letter


def _letter_snapshot(letter: Letter, hazards: list[Hazard] | None = None) -> dict[str, Any]:
    out = {"number": letter.number, "letter_kind": letter.kind, "status": letter.status,
           "deadline": letter.deadline.isoformat()}  # fmt: skip
    if hazards is not None:
        out["hazards"] = [h.number for h in hazards]
    return out


def check_attachment(upload: Any) -> Media | None:
    """A reply's attachment: a PDF that opens, or an image (re-encoded, no EXIF)."""
    if upload is None:
        return None
    head = upload.read(5)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        media = check_document(upload, limit_mb=ATTACHMENT_MB)
    else:
        try:
            media = reencode_image(upload, limit_mb=ATTACHMENT_MB)
        except Invalid:
            raise Invalid(_("Attach a PDF document or a photo."), field="attachment") from None
    return media


def _changes(letter: Letter, action: str, actor: Any, data: dict[str, Any], now: Any) -> dict[str, Any]:
    if action == "reply":
        return {
            "reply_text": text(data.get("text"), "text", required=_("Write the reply.")),
            "replied_by": actor,
            "replied_at": now,
            "reply_count": letter.reply_count + 1,
        }
    if action == "return":
        note = text(data.get("note"), "note", required=_("Say what the reply lacks."))
        return {"review_note": note, "reviewed_by": actor, "reviewed_at": now}
    return {"review_note": text(data.get("note"), "note"), "reviewed_by": actor, "reviewed_at": now}


def act_letter(letter: Letter, *, actor: Any, action: Any, data: dict[str, Any] | None = None,
               attachment: Any = None) -> Letter:  # fmt: skip
    """Take `action` (reply | close | return) on `letter`; refusals and bad input change nothing."""
    data = data or {}
    action = str(action or "")
    check(actor, action, letter)
    now = timezone.now()
    changes = _changes(letter, action, actor, data, now)
    media = check_attachment(attachment) if action == "reply" else None
    before = _letter_snapshot(letter)
    with files_kept_on_success(), transaction.atomic():
        moved = Letter.objects.filter(pk=letter.pk, status=letter.status).update(
            status=TRANSITIONS[action][1], status_changed_at=now, **changes
        )
        if not moved:
            raise Conflict(_("Someone else changed this letter just now. Reload and try again."))
        done = Letter.objects.select_related("unit", "bureau").get(pk=letter.pk)
        if media is not None:
            _store_attachment(done, media)
        after = {**_letter_snapshot(done), **{k: data.get(k) for k in ("note",) if data.get(k)}}
        if action == "reply":
            after["attachment"] = bool(done.reply_file)
        audit.record(actor, VERBS[action], done, before=before, after=after)
        pk = done.pk
        transaction.on_commit(lambda: notices.letter_acted(pk, action))
    letter.refresh_from_db()
    return letter


def _store_attachment(letter: Letter, media: Media) -> None:
    save_media(letter.reply_file, media)
    letter.reply_file_type = media.content_type
    letter.save(update_fields=["reply_file", "reply_file_type"])
