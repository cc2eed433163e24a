"""Photos chosen on the report form survive a form that comes back with errors.

A browser cannot put chosen files back into a file field, so the photos of a report that did not
go through are kept on the server (checked and re-encoded like any hazard photo) for the person
who chose them, under the form's client id. The form shows them again with a remove button; the
final submit attaches them to the hazard. Photos of a form never sent again are deleted after
`KEEP_HOURS` by a periodic job.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core.errors import DomainError
from safecampus.core.files.checks import Media
from safecampus.core.files.store import delete_on_commit, files_kept_on_success, save_media

from .models import PendingKind, PendingPhoto
from .photos import MAX_PER_REQUEST, encode_one, serve

KEEP_HOURS = 24


def parse_client_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None


def kept(actor: Any, client_id: uuid.UUID) -> dict[str, list[PendingPhoto]]:
    """The photos kept for this form, by field (`photos`, `spot_photos`)."""
    out: dict[str, list[PendingPhoto]] = {kind: [] for kind in PendingKind.values}
    for photo in PendingPhoto.objects.filter(uploaded_by=actor, client_id=client_id):
        out[photo.kind].append(photo)
    return out


def encode_new(uploads: Iterable[Any], *, already: int) -> tuple[list[Media], str | None]:
    """Check and re-encode newly chosen photos one by one: the good ones, and the message of
    the first bad one (or of too many photos, counting `already` kept ones)."""
    uploads = list(uploads)
    if already + len(uploads) > MAX_PER_REQUEST:
        return [], _("At most %(n)s photos at a time.") % {"n": MAX_PER_REQUEST}
    good: list[Media] = []
    error = None
    for upload in uploads:
        try:
            good.append(encode_one(upload))
        except DomainError as exc:
            error = error or str(exc.message)
    return good, error


def keep(actor: Any, client_id: uuid.UUID, kind: str, items: list[Media]) -> list[PendingPhoto]:
    """Store encoded photos for the form `client_id` of `actor`."""
    out = []
    with files_kept_on_success(), transaction.atomic():
        for item in items:
            photo = PendingPhoto(uploaded_by=actor, client_id=client_id, kind=kind)
            save_media(photo.image, item)
            photo.save()
            out.append(photo)
    return out


def as_media(photos: Iterable[PendingPhoto]) -> list[Media]:
    """Kept photos read back, ready to attach (they were encoded when kept)."""
    out = []
    for photo in photos:
        with photo.image.open("rb") as fh:
            data = fh.read()
        png = photo.image.name.endswith(".png")
        out.append(
            Media(io.BytesIO(data), len(data), "image/png" if png else "image/jpeg", "png" if png else "jpg")
        )
    return out


@transaction.atomic
def drop(actor: Any, client_id: uuid.UUID | None, ids: Iterable[Any] = (), *, every: bool = False) -> int:
    """Delete kept photos of this form (the ones named by `ids`, or `every` one); their files go
    once the deletion has committed."""
    qs = PendingPhoto.objects.filter(uploaded_by=actor, client_id=client_id)
    if not every:
        qs = qs.filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
    return _delete(qs)


def clean_up(now: dt.datetime | None = None) -> int:
    """Delete photos kept longer than `KEEP_HOURS` (their form was never sent again)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=KEEP_HOURS)
    with transaction.atomic():
        return _delete(PendingPhoto.objects.filter(created_at__lt=cutoff))


def _delete(qs: Any) -> int:
    names = list(qs.values_list("image", flat=True))
    count, _ = qs.delete()
    for name in names:
        delete_on_commit(name)
    return count


def serve_kept(request: Any, photo_id: int) -> HttpResponse:
    """A kept photo, only to the person who chose it (404 alike for anybody else)."""
    try:
        photo = PendingPhoto.objects.get(pk=photo_id, uploaded_by=request.user)
    except (PendingPhoto.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    return serve(request, photo)
