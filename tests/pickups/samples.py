"""Pickup samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the services):
a person with a photo that a parent authorised for a pupil, and a refused pickup. Texts carry
"东港区" so the walk notices any leak."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.pickups import services
from safecampus.pickups.models import PickupPerson
from safecampus.roster.models import Guardian

K1_S1 = "demo-c1-k1-s1"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def k1_person() -> PickupPerson:
    person = PickupPerson.objects.filter(unit__code=K1_S1).first()
    if person is None:
        guardian = Guardian.objects.filter(student__unit__code=K1_S1).select_related("student__unit").first()
        person, _ = services.add_person(
            guardian.student,
            actor=guardian.parent,
            data={
                "name": "东港区样本奶奶",
                "relation": "奶奶",
                "phone": "13900001111",
                "valid_until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            },
            photo=_photo(),
        )
        services.verify(
            guardian.student, actor=User.objects.get(username="demo_guard"), data={"name": "东港区样本陌生人"}
        )
    return person


def person_id() -> int:
    return k1_person().pk
