"""Checking a device at the device (月检): pass or fail, a note, photos. A failed check raises
exactly one hazard in the hazard loop (through `hazards.services.report`: source daily
inspection, category fire safety, the device's place, the photos), linked both ways
(`DeviceCheck.hazard`, `Hazard.fire_checks`). A phone sends its own `client_id`: a retry answers
the check already recorded and raises nothing.

Photos come with the check (the page's camera field) or ahead of it (`upload_photo`, the API's
`POST /api/v1/fire/photos`, then their ids with the check). Every photo is checked by content and
re-encoded before anything is written, so a file that is not an image changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from safecampus.core import access, audit
from safecampus.core.cleaning import client_uuid
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.files.checks import Media, reencode_image
from safecampus.core.files.store import delete_on_commit, files_kept_on_success, save_media
from safecampus.core.months import month_of
from safecampus.core.scoping import require

from . import rollup
from .models import CheckPhoto, DeviceCheck, FireDevice, PhotoUpload, Result, State
from .perms import CHECK
from .services import clean_text

MAX_SIDE = 1600
MAX_MB = 15
MAX_PHOTOS = 6
MAX_UPLOADS_KEPT = 30
UPLOAD_HOURS = 24
HAZARD_ID_SPACE = uuid.UUID("5f1c9a4e-6d2b-4a8e-9c1f-3e7b2d4a6f80")


def encode_photo(upload: Any) -> Media:
    """One upload checked by content and re-encoded (no EXIF, no location)."""
    try:
        return reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="photos") from None


def _client_id(value: Any) -> uuid.UUID:
    return client_uuid(value, required=_("The check needs a client id."))  # type: ignore[return-value]


def _uploads(actor: Any, ids: list[Any]) -> list[PhotoUpload]:
    try:
        wanted = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise Invalid(_("Name the photos by the ids their upload answered."), field="photos") from None
    found = {p.pk: p for p in PhotoUpload.objects.filter(pk__in=wanted, uploaded_by=actor)}
    if len(found) != len(set(wanted)):
        raise Invalid(_("A photo named is not one you uploaded, or it was used already."), field="photos")
    return [found[i] for i in dict.fromkeys(wanted)]


def _media_of(upload: PhotoUpload) -> Media:
    with upload.image.open("rb") as fh:
        data = fh.read()
    png = upload.image.name.endswith(".png")
    return Media(io.BytesIO(data), len(data), "image/png" if png else "image/jpeg", "png" if png else "jpg")


def replay(actor: Any, client_id: uuid.UUID, device: FireDevice) -> DeviceCheck | None:
    existing = DeviceCheck.objects.filter(checked_by=actor, client_id=client_id).first()
    if existing is not None and existing.device_id != device.pk:
        raise Invalid(_("This client id was used for the check of another device."), field="client_id")
    return existing


def record_check(
    device: FireDevice,
    *,
    actor: Any,
    data: dict[str, Any],
    photos: list[Any] = (),
    at: dt.datetime | None = None,
) -> tuple[DeviceCheck, bool]:
    """Record a check of `device` by `actor`. Returns (check, created); a retry with the same
    `client_id` answers the first check. `data`: client_id, result (pass | fail), note, photo_ids
    (uploaded ahead). `photos`: uploads sent with the check. `at` (imports and the demo only):
    when the check was done; the server's time otherwise."""
    require(actor, CHECK, device.unit)
    client_id = _client_id(data.get("client_id"))
    existing = replay(actor, client_id, device)
    if existing is not None:
        return existing, False
    if device.state != State.IN_SERVICE:
        raise Conflict(_("A retired device is not checked."))
    result = data.get("result")
    if result not in Result.values:
        raise Invalid(_("Choose pass or fail."), field="result")
    note = clean_text(data.get("note"), 1000, "note", multiline=True)
    if result == Result.FAIL and not note:
        raise Invalid(_("Say what is wrong with the device."), field="note")
    ids = list(data.get("photo_ids") or [])
    if len(ids) + len(photos) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)s photos at a time.") % {"n": MAX_PHOTOS}, field="photos")
    uploads = _uploads(actor, ids)
    media = [encode_photo(p) for p in photos] + [_media_of(u) for u in uploads]
    at = at or timezone.now()
    try:
        with files_kept_on_success(), transaction.atomic():
            check = _write(
                device, actor=actor, client_id=client_id, result=result, note=note, media=media, at=at
            )
            for upload in uploads:
                delete_on_commit(upload.image.name, upload.image.storage)
            PhotoUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
    except IntegrityError:
        # The same check arrived twice at once: the other request recorded it.
        existing = replay(actor, client_id, device)
        if existing is None:
            raise
        return existing, False
    return check, True


def _write(
    device: FireDevice,
    *,
    actor: Any,
    client_id: uuid.UUID,
    result: str,
    note: str,
    media: list[Media],
    at: dt.datetime,
) -> DeviceCheck:
    locked = FireDevice.objects.select_for_update().get(pk=device.pk)
    if locked.state != State.IN_SERVICE:
        raise Conflict(_("A retired device is not checked."))
    month = month_of(at)
    first = not DeviceCheck.objects.filter(device=locked, month=month, first_in_month=True).exists()
    check = DeviceCheck(
        device=locked,
        client_id=client_id,
        checked_by=actor,
        at=at,
        result=result,
        note=note,
        month=month,
        type=locked.type,
        first_in_month=first,
    )
    check.set_unit(locked.unit)
    check.save()
    for item in media:
        photo = CheckPhoto(device_check=check)
        photo.set_unit(locked.unit)
        save_media(photo.image, item)
        with Image.open(io.BytesIO(item.data)) as img:
            photo.width, photo.height = img.size
        photo.save()
    if result == Result.FAIL:
        check.hazard = _raise_hazard(locked, check, actor=actor, note=note, media=media)
        check.save(update_fields=["hazard"])
    before = rollup.state(locked)
    if locked.last_check_at is None or at >= locked.last_check_at:
        locked.last_check_at = at
        locked.failed = result == Result.FAIL
        locked.save(update_fields=["last_check_at", "failed"])
    rollup.check_recorded(check)
    rollup.device_changed(before, locked)
    audit.record(
        actor,
        "fire.checked",
        locked,
        after={
            "result": result,
            "note": note,
            "photos": len(media),
            "hazard": check.hazard.number if check.hazard_id else None,
        },
    )
    return check


def _raise_hazard(
    device: FireDevice, check: DeviceCheck, *, actor: Any, note: str, media: list[Media]
) -> Any:
    from safecampus.hazards import services as hazards

    description = _("Fire equipment check failed: %(code)s %(type)s. %(note)s") % {
        "code": device.code,
        "type": device.get_type_display(),
        "note": note,
    }
    hazard, _created = hazards.report(
        device.unit,
        actor=actor,
        data={
            "client_id": str(uuid.uuid5(HAZARD_ID_SPACE, str(check.client_id))),
            "source": "daily_inspection",
            "category": "fire",
            "location": device.place[:200],
            "description": description[:2000],
        },
        photos=media,
    )
    return hazard


def upload_photo(actor: Any, upload: Any) -> PhotoUpload:
    """Keep a photo for a check to come (its uploader's only); checked and re-encoded first."""
    if not access.holds_anywhere(actor, CHECK):
        raise Invalid(_("You may not check fire equipment."), field="photo")
    if upload is None:
        raise Invalid(_("Choose a photo."), field="photo")
    try:
        item = reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="photo") from None
    if PhotoUpload.objects.filter(uploaded_by=actor).count() >= MAX_UPLOADS_KEPT:
        raise Invalid(_("Too many photos are waiting for a check; send the checks first."), field="photo")
    with files_kept_on_success(), transaction.atomic():
        kept = PhotoUpload(uploaded_by=actor)
        save_media(kept.image, item)
        kept.save()
    return kept


def clean_up_uploads(now: dt.datetime | None = None) -> int:
    """Delete photos uploaded for a check that never came (after a day)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=UPLOAD_HOURS)
    old = list(PhotoUpload.objects.filter(created_at__lt=cutoff))
    with transaction.atomic():
        for upload in old:
            delete_on_commit(upload.image.name, upload.image.storage)
        PhotoUpload.objects.filter(pk__in=[u.pk for u in old]).delete()
    return len(old)
