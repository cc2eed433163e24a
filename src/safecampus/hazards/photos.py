"""Photos of hazards: checked by content, turned upright, re-encoded (no EXIF, no GPS position),
stored, and served only to those who may see the hazard."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from PIL import Image

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.files.checks import Media, reencode_image
from safecampus.core.files.serve import serve_file
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at

from .models import Hazard, HazardPhoto, PendingPhoto, PhotoStage, Status
from .workflow import Refused

MAX_SIDE = 1600
MAX_MB = 15
MAX_PER_HAZARD = 30
MAX_PER_REQUEST = 9


def encode(uploads: list[Any]) -> list[Media]:
    """Check and re-encode uploads before anything is written (bad files change nothing); photos
    already encoded (`Media`, kept from an earlier try of a form) pass as they are."""
    if len(uploads) > MAX_PER_REQUEST:
        raise Invalid(_("At most %(n)s photos at a time.") % {"n": MAX_PER_REQUEST}, field="photos")
    return [u if isinstance(u, Media) else encode_one(u) for u in uploads]


def encode_one(upload: Any) -> Media:
    return reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_MB)


def add_photos(hazard: Hazard, items: list[Media], *, stage: str, actor: Any) -> list[HazardPhoto]:
    """Store encoded photos (inside the caller's transaction and `files_kept_on_success`)."""
    if HazardPhoto.objects.filter(hazard=hazard).count() + len(items) > MAX_PER_HAZARD:
        raise Invalid(_("A hazard keeps at most %(n)s photos.") % {"n": MAX_PER_HAZARD}, field="photos")
    out = []
    for item in items:
        photo = HazardPhoto(
            hazard=hazard, stage=stage, uploaded_by=actor if getattr(actor, "pk", None) else None
        )
        photo.set_unit(hazard.unit)
        save_media(photo.image, item)
        with Image.open(io.BytesIO(item.data)) as img:
            photo.width, photo.height = img.size
        photo.save()
        out.append(photo)
    return out


def stage_for_upload(hazard: Hazard, actor: Any) -> str:
    """Which photos `actor` may add to `hazard` now: the finder and the school's managers add to
    what was found while it is new (and evidence of an on-the-spot fix); the rectifier adds
    evidence while rectifying. Raises when nobody may add anything now."""
    pk = getattr(actor, "pk", None)
    if hazard.status in (Status.ASSIGNED, Status.RECTIFYING):
        if hazard.rectifier_id == pk:
            return PhotoStage.EVIDENCE
    elif hazard.status in (Status.REPORTED, Status.CONFIRMED):
        if hazard.reported_by_id == pk or has_perm_at(actor, Perm.MANAGE_HAZARDS, hazard.unit):
            return PhotoStage.REPORT
    else:
        raise Conflict(_("Photos can no longer be added to this hazard."))
    raise Refused(_("You may not add photos to this hazard now."))


def upload(hazard: Hazard, *, actor: Any, files: list[Any], stage: str | None = None) -> list[HazardPhoto]:
    """Add photos to a hazard outside an action (the API's photo route)."""
    allowed = stage_for_upload(hazard, actor)
    stage = stage or allowed
    if stage not in PhotoStage.values:
        raise Invalid(_("Choose the photo's stage."), field="stage")
    if stage != allowed and not (hazard.status == Status.REPORTED and stage == PhotoStage.EVIDENCE):
        raise Conflict(_("Photos of this stage cannot be added now."))
    if not files:
        raise Invalid(_("Choose a photo."), field="photos")
    items = encode(files)
    with files_kept_on_success(), transaction.atomic():
        photos = add_photos(hazard, items, stage=stage, actor=actor)
        audit.record(actor, "hazard.photos_added", hazard, after={"stage": stage, "count": len(photos)})
    return photos


def serve(request: Any, photo: HazardPhoto | PendingPhoto) -> HttpResponse:
    """The stored image, private to those who may see it (callers check)."""
    name = photo.image.name
    png = name.endswith(".png")
    return serve_file(
        request,
        photo.image,
        content_type="image/png" if png else "image/jpeg",
        filename=f"photo-{photo.pk}.{'png' if png else 'jpg'}",
        etag=f"photo-{photo.pk}-{name.rsplit('/', 1)[-1]}",
    )
