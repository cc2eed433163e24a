"""Signing a responsibility letter, verifying a signed one and countersigning the principal's.

- `sign`: only the post's holder (duties.sign_letters), only when due (the version that applies
  now is not signed by them yet); the drawn PNG is checked by content; the signed letter is
  rendered as PDF (`core.pdf`) with the text, name, time, version, text hash and signature, and
  the PDF's sha256 is kept; a retry (client id, or the version already signed) answers the first;
- `verify`: the stored PDF bytes against the sha256 kept, the signed text hash against the
  version's, and the version's content against its own hash — a tampered file or text is found;
- `countersign`: the principal's letter, by a manager of a bureau above the school.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.files.store import files_kept_on_success, remember
from safecampus.core.roles import Perm

from . import counting, drawing
from .cleaning import clean_text
from .models import LetterText, Post, PostKind, Signature

NAME_MAX = 40


def _pdf(post: Post, text: LetterText, *, name: str, at: Any, png: bytes) -> bytes:
    from safecampus.core.pdf import render_pdf

    return render_pdf(
        "responsibility/letter_pdf.html",
        {
            "post": post,
            "text": text,
            "school": post.unit,
            "name": name,
            "signed_at": at,
            "signature": drawing.data_url(png),
            "owner": text.unit,
            "paragraphs": [p.strip() for p in text.body.split("\n") if p.strip()],
        },
    )


def sign(
    post: Post, *, actor: Any, signature: Any, name: Any = None, client_id: Any = None
) -> tuple[Signature, bool]:
    """The holder signs the version of the letter that applies now. Returns (signature, created):
    a retry (same client id, or the current version already signed) answers the first one."""
    client = clean_text(client_id, 64, "client_id")
    if client:
        first = Signature.objects.filter(holder_id=getattr(actor, "pk", None), client_id=client).first()
        if first is not None:
            if first.post_id != post.pk:
                raise Invalid(_("This client id was used for another letter."), field="client_id")
            return first, False
    if getattr(actor, "pk", None) != post.holder_id or not holds_at(actor, Perm.SIGN_LETTERS, post.unit):
        raise PermissionDenied(Perm.SIGN_LETTERS)
    if not post.active:
        raise Conflict(_("This post is closed."))
    if post.current_text_id is None:
        raise Conflict(_("No letter text applies to this post yet."))
    if post.current_signature_id:
        return Signature.objects.get(pk=post.current_signature_id), False
    png = drawing.png_from_data_url(signature)
    typed = clean_text(
        name if name not in (None, "") else getattr(actor, "display_name", "") or actor.username,
        NAME_MAX,
        "name",
        required=_("Type your name."),
    )
    with files_kept_on_success(), transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.current_signature_id:
            return Signature.objects.get(pk=locked.current_signature_id), False
        text = LetterText.objects.get(pk=locked.current_text_id)
        at = timezone.now()
        pdf = _pdf(locked, text, name=typed, at=at, png=png)
        sig = Signature(
            post=locked,
            holder_id=actor.pk,
            text=text,
            text_hash=text.content_hash,
            drawing=png,
            typed_name=typed,
            signed_at=at,
            client_id=client,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        )
        sig.set_unit(locked.unit)
        sig.pdf.save(f"letter-{locked.pk}-v{text.number}.pdf", ContentFile(pdf), save=False)
        remember(sig.pdf.storage, sig.pdf.name)
        sig.save()
        before = counting.snapshot(locked)
        locked.current_signature_id = sig.pk
        Post.objects.filter(pk=locked.pk).update(current_signature_id=sig.pk)
        counting.changed(before, locked)
        audit.record(
            actor,
            "letter.signed",
            sig,
            unit=locked.unit,
            after={
                "post": locked.pk,
                "kind": locked.kind,
                "version": text.number,
                "text_hash": text.content_hash,
                "pdf_sha256": sig.pdf_sha256,
                "name": typed,
            },
        )
    post.current_signature_id = sig.pk
    return sig, True


def verify(sig: Signature) -> dict[str, Any]:
    """Does the stored PDF still have the hash kept at signing, and the signed text the hash of
    its version (and that version its own content)?"""
    try:
        with sig.pdf.open("rb") as fh:
            data = fh.read()
        actual = hashlib.sha256(data).hexdigest()
    except (OSError, ValueError):
        actual = ""
    text = sig.text
    pdf_ok = bool(actual) and actual == sig.pdf_sha256
    text_ok = sig.text_hash == text.content_hash and text.hash_matches()
    return {
        "valid": pdf_ok and text_ok,
        "pdf_ok": pdf_ok,
        "text_ok": text_ok,
        "pdf_sha256": sig.pdf_sha256,
        "pdf_sha256_now": actual,
        "text_hash": sig.text_hash,
        "version": text.number,
        "signed_at": sig.signed_at,
    }


# ---------------------------------------------------------------------------------------------
# Countersigning
# ---------------------------------------------------------------------------------------------


def may_countersign(user: Any, sig: Signature) -> bool:
    """A manager (duties.manage) of the bureau the school reports to (the county): the
    principal's letter only — it is signed between the principal and that bureau."""
    if sig.post.kind != PostKind.PRINCIPAL:
        return False
    bureau = sig.unit.get_parent()
    return bureau is not None and holds_at(user, Perm.MANAGE_DUTIES, bureau, here=True)


def countersign(sig: Signature, *, actor: Any) -> Signature:
    if sig.post.kind != PostKind.PRINCIPAL:
        raise Invalid(_("Only the principal's letter is countersigned by the bureau."), field="signature")
    if not may_countersign(actor, sig):
        raise PermissionDenied(Perm.MANAGE_DUTIES)
    if not sig.post.active or sig.post.current_signature_id != sig.pk:
        raise Conflict(_("This letter has been signed again since: countersign the current one."))
    with transaction.atomic():
        now = timezone.now()
        moved = Signature.objects.filter(pk=sig.pk, countersigned_at__isnull=True).update(
            countersigned_by=actor, countersigned_at=now
        )
        if not moved:
            raise Conflict(_("This letter is already countersigned."))
        sig.refresh_from_db()
        audit.record(actor, "letter.countersigned", sig, unit=sig.unit, after={"post": sig.post_id})
    return sig
