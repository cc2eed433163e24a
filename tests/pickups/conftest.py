"""The pickups cast at demo-c1-k1-s1: demo_parent (of demo_student), demo_guard, demo_teacher
(head teacher of demo_student's class), and people added through the services."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.pickups import services
from safecampus.pickups.models import PickupPerson
from safecampus.roster.models import Guardian, Student


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def cid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def roster(demo) -> None:
    """The demo roster (3 pupils a class in tests): demo_student, demo_parent, classmates."""
    from safecampus.roster.demo import load_roster

    load_roster()


@pytest.fixture
def parent(roster) -> User:
    return User.objects.get(username="demo_parent")


@pytest.fixture
def pupil(roster) -> Student:
    return Student.objects.select_related("unit", "school_class__grade").get(user__username="demo_student")


@pytest.fixture
def other_pupil(pupil) -> Student:
    """A classmate of demo_student (demo_parent is not their parent)."""
    return (
        Student.objects.filter(school_class=pupil.school_class)
        .exclude(pk=pupil.pk)
        .exclude(guardians__parent__username="demo_parent")
        .first()
    )


@pytest.fixture
def guardian(pupil, parent) -> Guardian:
    return Guardian.objects.get(student=pupil, parent=parent)


@pytest.fixture
def grandma(pupil, parent) -> PickupPerson:
    person, _ = services.add_person(
        pupil,
        actor=parent,
        data={
            "client_id": cid(),
            "name": "王秀兰",
            "relation": "奶奶",
            "phone": "13912345678",
            "valid_until": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
        photo=jpeg(),
    )
    return person


@pytest.fixture
def expired(pupil, parent) -> PickupPerson:
    person, _ = services.add_person(
        pupil,
        actor=parent,
        data={"name": "赵建国", "relation": "邻居", "valid_until": timezone.localdate().isoformat()},
    )
    today = timezone.localdate()
    PickupPerson.objects.filter(pk=person.pk).update(
        valid_from=today - dt.timedelta(days=9), valid_until=today - dt.timedelta(days=2)
    )
    person.refresh_from_db()
    return person
