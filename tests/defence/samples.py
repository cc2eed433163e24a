"""Defence-register samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): a camera whose failed test has a photo, and closed management confirmed with a photo.
Its texts carry "东港区" so the walk notices any leak."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.defence import closed, services, testing
from safecampus.defence.models import Equipment, EquipmentTest

K1_S1 = "demo-c1-k1-s1"
PLACE = "东港区样本校门"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "JPEG")
    return SimpleUploadedFile("d.jpg", out.getvalue(), content_type="image/jpeg")


def k1_item() -> Equipment:
    school = Unit.objects.get(code=K1_S1)
    item = Equipment.objects.filter(unit=school, location=PLACE).first()
    if item is None:
        item = services.add_equipment(
            school,
            actor=User.objects.get(username="demo_safety"),
            data={"kind": "cctv", "quantity": 2, "location": PLACE, "police_linked": True},
        )
    return item


def k1_test() -> EquipmentTest:
    item = k1_item()
    test = item.tests.first()
    if test is None:
        test, _ = testing.record_test(
            item,
            actor=User.objects.get(username="demo_safety"),
            data={"client_id": str(uuid.uuid4()), "result": "fail", "note": "东港区样本画面无信号"},
            photo=_photo(),
        )
    school = item.unit
    if closed.of(school) is None:
        closed.confirm(
            school,
            actor=User.objects.get(username="demo_safety"),
            confirmed=True,
            evidence=_photo(),
            note="东港区",
        )
    return test


def equipment_id() -> int:
    return k1_item().pk


def equipment_test_id() -> int:
    return k1_test().pk
