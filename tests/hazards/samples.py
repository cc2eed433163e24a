"""Hazard samples of demo-c1-k1-s1 (made on first use, through the services): a reported
hazard with a photo. Its texts carry "东港区" so the tenancy walk notices any leak."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import services
from safecampus.hazards.models import Hazard, HazardPhoto

K1_S1 = "demo-c1-k1-s1"
MARK = "东港区样本隐患"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "JPEG")
    return SimpleUploadedFile("h.jpg", out.getvalue(), content_type="image/jpeg")


def k1_hazard() -> Hazard:
    school = Unit.objects.get(code=K1_S1)
    hazard = Hazard.objects.filter(unit=school, location__startswith=MARK).first()
    if hazard is None:
        hazard, _ = services.report(
            school,
            actor=User.objects.get(username="demo_guard"),
            data={
                "category": "fire",
                "source": "patrol",
                "location": f"{MARK}东楼",
                "description": f"{MARK}灭火器过期",
            },
            photos=[_photo()],
        )
    return hazard


def hazard_id() -> int:
    return k1_hazard().pk


def photo_id() -> int:
    return HazardPhoto.objects.filter(hazard=k1_hazard()).first().pk


def kept_id() -> int:
    """A photo kept for demo_guard's report form that came back with errors."""
    import uuid

    from safecampus.hazards import pending
    from safecampus.hazards.models import PendingPhoto

    guard = User.objects.get(username="demo_guard")
    photo = PendingPhoto.objects.filter(uploaded_by=guard).first()
    if photo is None:
        media, _ = pending.encode_new([_photo()], already=0)
        photo = pending.keep(guard, uuid.uuid4(), "photos", media)[0]
    return photo.pk
