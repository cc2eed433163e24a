"""Photos taken during checks (`POST /api/v1/inspections/photos`): checked by content, turned
upright and re-encoded (no EXIF, no GPS position), stored under the uploader's school, and read
only by those who read the school's checks. A retry with the same client id answers the photo
already stored."""

from __future__ import annotations

import io
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from PIL import Image

from safecampus.core import audit
from safecampus.core.cleaning import client_uuid
from safecampus.core.errors import Invalid, PermissionDenied
from safecampus.core.files.checks import reencode_image
from safecampus.core.files.serve import serve_file
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import own_schools

from .models import CheckPhoto

MAX_SIDE = 1600
MAX_MB = 15


_client_id = client_uuid


def uploader_school(actor: Any, unit_id: int | None = None) -> Unit:
    """The school a photo is taken for: the uploader's own school (named by `unit_id` when they
    work at several). Bureaus, students and parents may not upload (403)."""
    schools = own_schools(actor, Perm.DO_CHECKS)
    if not schools:
        raise PermissionDenied(Perm.DO_CHECKS)
    if unit_id is not None:
        if unit_id not in schools:
            raise Invalid(_("Choose a school where you carry out checks."), field="unit")
        return schools[unit_id]
    if len(schools) != 1:
        raise Invalid(_("Choose a school where you carry out checks."), field="unit")
    return next(iter(schools.values()))


def upload(
    actor: Any, photo: Any, *, unit_id: int | None = None, client_id: Any = None
) -> tuple[CheckPhoto, bool]:
    """Store one check photo. Returns (photo, created); not an image → `Invalid` on `photo`."""
    school = uploader_school(actor, unit_id)
    key = _client_id(client_id)
    if key is not None:
        existing = CheckPhoto.objects.filter(uploaded_by=actor, client_id=key).first()
        if existing is not None:
            return existing, False
    if photo is None:
        raise Invalid(_("Choose a photo."), field="photo")
    try:
        media = reencode_image(photo, max_side=MAX_SIDE, limit_mb=MAX_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="photo") from None
    try:
        with files_kept_on_success(), transaction.atomic():
            item = CheckPhoto(client_id=key, uploaded_by=actor)
            item.set_unit(school)
            save_media(item.image, media)
            with Image.open(io.BytesIO(media.data)) as img:
                item.width, item.height = img.size
            item.save()
            audit.record(
                actor,
                "check_photo.uploaded",
                item,
                unit=school,
                after={"width": item.width, "height": item.height},
            )
    except IntegrityError:  # the same client id sent twice at once: the first one stored it
        existing = CheckPhoto.objects.filter(uploaded_by=actor, client_id=key).first() if key else None
        if existing is None:
            raise
        return existing, False
    return item, True


def serve(request: Any, photo: CheckPhoto) -> HttpResponse:
    name = photo.image.name
    png = name.endswith(".png")
    return serve_file(
        request,
        photo.image,
        content_type="image/png" if png else "image/jpeg",
        filename=f"check-photo-{photo.pk}.{'png' if png else 'jpg'}",
        etag=f"check-photo-{photo.pk}-{name.rsplit('/', 1)[-1]}",
    )
