"""A hazard of demo-c1-k1-s1 with a photo for the tenancy walk (made on first use, through the
service). Its text carries "东港区" so the walk notices any leak."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import services
from safecampus.hazards.models import Hazard, HazardPhoto

K1_S1 = "demo-c1-k1-s1"


def k1_hazard() -> Hazard:
    school = Unit.objects.get(code=K1_S1)
    hazard = Hazard.objects.filter(unit=school, location__startswith="东港区").first()
    if hazard is None:
        buf = io.BytesIO()
        Image.new("RGB", (32, 24), "red").save(buf, "JPEG")
        hazard, _ = services.report(
            school, actor=User.objects.get(username="demo_safety"),
            data={"category": "fire", "location": "东港区样本 教学楼", "description": "东港区样本 过期"},
            photos=[SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")],
        )  # fmt: skip
    return hazard


def hazard_id() -> int:
    return k1_hazard().pk


def photo_id() -> int:
    return HazardPhoto.objects.filter(hazard=k1_hazard()).first().pk
