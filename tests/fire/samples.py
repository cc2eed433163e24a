"""Fire-register samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): a device whose failed check has a photo. Its texts carry "东港区" so the walk notices
any leak."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.fire import checks, services
from safecampus.fire.models import DeviceCheck, FireDevice

K1_S1 = "demo-c1-k1-s1"
CODE = "WALK-001"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return SimpleUploadedFile("f.jpg", out.getvalue(), content_type="image/jpeg")


def k1_device() -> FireDevice:
    school = Unit.objects.get(code=K1_S1)
    device = FireDevice.objects.filter(unit=school, code=CODE).first()
    if device is None:
        device = services.add_device(
            school,
            actor=User.objects.get(username="demo_safety"),
            data={
                "code": CODE,
                "type": "extinguisher_powder",
                "building": "东港区样本楼",
                "location": "东港区样本走廊",
            },
        )
    return device


def k1_check() -> DeviceCheck:
    device = k1_device()
    check = device.checks.first()
    if check is None:
        check, _ = checks.record_check(
            device,
            actor=User.objects.get(username="demo_guard"),
            data={
                "client_id": str(uuid.uuid4()),
                "result": "fail",
                "note": "东港区样本压力不足",
            },
            photos=[_photo()],
        )
    return check


def device_id() -> int:
    return k1_device().pk


def check_id() -> int:
    return k1_check().pk


def fire_photo_id() -> int:
    return k1_check().photos.first().pk


def device_code() -> str:
    return k1_device().code
