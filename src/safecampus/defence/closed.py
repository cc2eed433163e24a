"""A school's closed management (封闭化管理): the school's managers confirm it with evidence (a
photo, re-encoded, or a PDF document), or withdraw the confirmation; who and when are kept, the
evidence replaced is deleted once the change commits, and the three-100% facts follow."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Invalid
from safecampus.core.files.checks import Media, check_document, reencode_image
from safecampus.core.files.store import delete_on_commit, files_kept_on_success, save_media
from safecampus.core.models import Unit
from safecampus.core.scoping import require

from . import facts
from .models import ClosedManagement
from .perms import MANAGE
from .services import school_of

MAX_MB = 15


def evidence_media(upload: Any) -> Media:
    """A PDF kept as it is (once it opens), anything else re-encoded as an image."""
    head = upload.read(5)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return check_document(upload, limit_mb=MAX_MB)
        return reencode_image(upload, max_side=2000, limit_mb=MAX_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="evidence") from None


def of(school: Unit) -> ClosedManagement | None:
    return ClosedManagement.objects.filter(unit=school).first()


def confirm(
    school: Unit, *, actor: Any, confirmed: bool, evidence: Any = None, note: Any = ""
) -> ClosedManagement:
    """Confirm (with evidence: new, or the one kept) or withdraw the school's closed management."""
    school_of(school)
    require(actor, MANAGE, school)
    note = clean_text(note, 1000, "note", multiline=True)
    media = evidence_media(evidence) if evidence is not None else None
    with files_kept_on_success(), transaction.atomic():
        row = ClosedManagement.objects.select_for_update().filter(unit=school).first()
        if row is None:
            row = ClosedManagement()
            row.set_unit(school)
        if confirmed and media is None and not row.evidence:
            raise Invalid(_("Add a photo or a document as evidence of closed management."), field="evidence")
        before = {"confirmed": row.confirmed, "evidence": bool(row.evidence)}
        if media is not None:
            if row.evidence:
                delete_on_commit(row.evidence.name, row.evidence.storage)
            save_media(row.evidence, media)
            row.evidence_type = media.content_type
        row.confirmed, row.note = bool(confirmed), note
        row.confirmed_by, row.confirmed_at = actor, timezone.now()
        row.save()
        facts.refresh(school)
        audit.record(
            actor,
            "defence.closed_confirmed" if confirmed else "defence.closed_withdrawn",
            row,
            before=before,
            after={"confirmed": row.confirmed, "evidence": bool(row.evidence), "note": note},
        )
    return row
