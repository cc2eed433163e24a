"""1530 samples of demo-c1-k1-s1 for the tenancy walk: a recorded talk with a photo (made on
first use, through the service, for a class of demo_teacher)."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.talks.models import Talk
from safecampus.talks.services import record

from .helpers import make_class

K1_S1 = "demo-c1-k1-s1"


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("talk.jpg", out.getvalue(), content_type="image/jpeg")


def talk_id() -> int:
    found = Talk.objects.filter(unit__code=K1_S1).exclude(photo="").first()
    if found is None:
        teacher = User.objects.get(username="demo_teacher")
        klass = make_class(Unit.objects.get(code=K1_S1), 6, 9, teacher)
        with time_machine.travel(dt.datetime(2026, 10, 14, 8, 40, tzinfo=dt.UTC), tick=False):
            found, _created = record(teacher, class_id=klass.pk, date="2026-10-14", kind="daily", topic="交通安全",
                                     minutes=1, client_id=str(uuid.uuid4()), photo=_jpeg())  # fmt: skip
    return found.pk
