"""Testing an item (定期测试): pass or fail, a note and a photo (checked by content and
re-encoded: no EXIF, no location). A failed test raises exactly one hazard in the hazard loop
(`hazards.services.report`: source daily inspection, category public security, the item's place,
the photo), linked from the test. A phone sends its own `client_id`: a retry answers the test
already recorded and raises nothing. The item keeps its last test's date and result, and the
school's three-100% facts follow (a failed alarm is not networked until a test passes)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text, client_uuid
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.files.checks import Media, reencode_image
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.scoping import require

from . import facts
from .models import Equipment, EquipmentTest, Result, State
from .perms import MANAGE

MAX_SIDE = 1600
MAX_MB = 15
HAZARD_ID_SPACE = uuid.UUID("8a2e4c61-3f7d-4b19-a0c5-6d1e9f2b7a43")


def _replay(actor: Any, client_id: uuid.UUID, item: Equipment) -> EquipmentTest | None:
    existing = EquipmentTest.objects.filter(tested_by=actor, client_id=client_id).first()
    if existing is not None and existing.equipment_id != item.pk:
        raise Invalid(_("This client id was used for the test of other equipment."), field="client_id")
    return existing


def _photo(upload: Any) -> Media | None:
    if upload is None:
        return None
    try:
        return reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="photo") from None


def record_test(
    item: Equipment,
    *,
    actor: Any,
    data: dict[str, Any],
    photo: Any = None,
    at: dt.datetime | None = None,
) -> tuple[EquipmentTest, bool]:
    """Record a test of `item` by `actor`. Returns (test, created); a retry with the same
    `client_id` answers the first test. `data`: client_id, result (pass | fail), note. `at`
    (imports and the demo only): when the test was done."""
    require(actor, MANAGE, item.unit)
    client_id = client_uuid(data.get("client_id"), required=_("The test needs a client id."))
    assert client_id is not None
    existing = _replay(actor, client_id, item)
    if existing is not None:
        return existing, False
    if item.state != State.IN_SERVICE:
        raise Conflict(_("Retired equipment is not tested."))
    result = data.get("result")
    if result not in Result.values:
        raise Invalid(_("Choose pass or fail."), field="result")
    note = clean_text(data.get("note"), 1000, "note", multiline=True)
    if result == Result.FAIL and not note:
        raise Invalid(_("Say what is wrong with the equipment."), field="note")
    media = _photo(photo)
    at = at or timezone.now()
    try:
        with files_kept_on_success(), transaction.atomic():
            test = _write(
                item, actor=actor, client_id=client_id, result=result, note=note, media=media, at=at
            )
    except IntegrityError:
        existing = _replay(actor, client_id, item)
        if existing is None:
            raise
        return existing, False
    return test, True


def _write(
    item: Equipment,
    *,
    actor: Any,
    client_id: uuid.UUID,
    result: str,
    note: str,
    media: Media | None,
    at: dt.datetime,
) -> EquipmentTest:
    locked = Equipment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=item.pk)
    if locked.state != State.IN_SERVICE:
        raise Conflict(_("Retired equipment is not tested."))
    test = EquipmentTest(
        equipment=locked, client_id=client_id, tested_by=actor, at=at, result=result, note=note
    )
    test.set_unit(locked.unit)
    if media is not None:
        save_media(test.photo, media)
    test.save()
    if result == Result.FAIL:
        test.hazard = _raise_hazard(locked, test, actor=actor, note=note, media=media)
        test.save(update_fields=["hazard"])
    day = timezone.localtime(at).date()
    if locked.last_test_on is None or day >= locked.last_test_on:
        locked.last_test_on, locked.last_result = day, result
        locked.save(update_fields=["last_test_on", "last_result"])
    facts.refresh(locked.unit)
    audit.record(
        actor,
        "defence.tested",
        locked,
        after={
            "result": result,
            "note": note,
            "photos": int(media is not None),
            "hazard": test.hazard.number if test.hazard_id else None,
        },
    )
    return test


def _raise_hazard(item: Equipment, test: EquipmentTest, *, actor: Any, note: str, media: Media | None) -> Any:
    from safecampus.hazards import services as hazards

    description = _("Defence equipment test failed: %(kind)s at %(place)s. %(note)s") % {
        "kind": item.get_kind_display(),
        "place": item.location,
        "note": note,
    }
    hazard, _created = hazards.report(
        item.unit,
        actor=actor,
        data={
            "client_id": str(uuid.uuid5(HAZARD_ID_SPACE, str(test.client_id))),
            "source": "daily_inspection",
            "category": "security",
            "location": item.location[:200],
            "description": description[:2000],
        },
        photos=[media] if media is not None else [],
    )
    return hazard
