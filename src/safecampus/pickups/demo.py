"""Demo data: demo_student's pickup people (the parents by default; a grandmother until this
Friday; a delegate whose authorisation expired) and some of today's pickups of the class at
demo-c1-k1-s1 recorded by demo_guard. Idempotent: a pupil who has pickup people is left alone."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from safecampus.accounts.models import User
from safecampus.roster.models import Guardian, Student, StudentStatus

from . import services
from .models import Pickup, PickupPerson

SCHOOL = "demo-c1-k1-s1"
DEMO_SPACE = uuid.UUID("6a1f3c2e-9b7d-4e51-8c30-2d4f6e8a1b97")


def this_friday(today: dt.date) -> dt.date:
    """Friday of this week (next week's from Saturday on)."""
    return today + dt.timedelta(days=(4 - today.weekday()) % 7)


def _portrait(colour: str) -> SimpleUploadedFile:
    img = Image.new("RGB", (240, 240), colour)
    draw = ImageDraw.Draw(img)
    draw.ellipse((80, 40, 160, 120), fill="#f1d3b3")
    draw.rectangle((60, 130, 180, 240), fill="#4a5a7a")
    out = io.BytesIO()
    img.save(out, "JPEG")
    return SimpleUploadedFile("portrait.jpg", out.getvalue(), content_type="image/jpeg")


def load_pickups_demo() -> None:
    student_user = User.objects.filter(username="demo_student").first()
    student = (
        Student.objects.filter(user=student_user).select_related("unit").first() if student_user else None
    )
    if student is None or PickupPerson.objects.filter(student=student).exists():
        return
    parent = Guardian.objects.filter(student=student).select_related("parent").first()
    if parent is None:
        return
    today = timezone.localdate()
    services.add_person(
        student,
        actor=parent.parent,
        data={
            "client_id": str(uuid.uuid5(DEMO_SPACE, "grandmother")),
            "name": "王秀兰",
            "relation": "奶奶",
            "phone": "13912345678",
            "valid_until": this_friday(today).isoformat(),
            "note": "本周接送",
        },
        photo=_portrait("#c8e6c9"),
    )
    expired, _new = services.add_person(
        student,
        actor=parent.parent,
        data={
            "client_id": str(uuid.uuid5(DEMO_SPACE, "neighbour")),
            "name": "赵建国",
            "relation": "邻居",
            "phone": "13787654321",
            "valid_until": today.isoformat(),
        },
        photo=_portrait("#ffe0b2"),
    )
    # Authorised for last week only: now expired (dated back, as the parent added it then).
    PickupPerson.objects.filter(pk=expired.pk).update(
        valid_from=today - dt.timedelta(days=10), valid_until=today - dt.timedelta(days=3)
    )
    _todays_pickups(student)


def _todays_pickups(student: Student) -> None:
    guard = User.objects.filter(username="demo_guard").first()
    if guard is None or student.school_class_id is None:
        return
    mates = list(
        Student.objects.filter(school_class=student.school_class, status=StudentStatus.ENROLLED)
        .exclude(pk=student.pk)
        .order_by("id")[:6]
    )
    start = timezone.localtime().replace(hour=16, minute=30, second=0, microsecond=0)
    if start > timezone.localtime():
        start = timezone.localtime() - dt.timedelta(minutes=30)
    for n, mate in enumerate(mates[:4]):
        g = Guardian.objects.filter(student=mate).first()
        if g is None:
            continue
        pickup, _created = services.verify(
            mate,
            actor=guard,
            data={"client_id": str(uuid.uuid5(DEMO_SPACE, f"pickup-{mate.pk}")), "person_id": f"g{g.pk}"},
        )
        with transaction.atomic():
            Pickup.objects.filter(pk=pickup.pk).update(at=start + dt.timedelta(minutes=2 * n))
