"""The cast of the hazard loop at demo-c1-k1-s1, and hazards made in any status."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import counting
from safecampus.hazards.models import Grade, Hazard, HazardPhoto, PhotoStage, Status


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def safety(demo) -> User:
    """demo_safety: safety office staff, manages and verifies hazards."""
    return _user("demo_safety")


@pytest.fixture
def rectifier(demo) -> User:
    """demo_teacher: a head teacher named rectifier."""
    return _user("demo_teacher")


@pytest.fixture
def finder(demo) -> User:
    """demo_guard: a guard who reports what he finds."""
    return _user("demo_guard")


@pytest.fixture
def parent(demo, school) -> User:
    """A parent of the school (a membership with the parent role)."""
    from safecampus.core.models import Membership
    from safecampus.core.roles import Role

    user, _ = User.objects.get_or_create(username="hz_parent", defaults={"name": "家长"})
    Membership.objects.get_or_create(user=user, unit=school, role=Role.PARENT)
    return user


def photo_file(
    name: str = "p.jpg", *, exif: bool = False, size: tuple[int, int] = (64, 48)
) -> SimpleUploadedFile:
    buf = io.BytesIO()
    img = Image.new("RGB", size, (200, 60, 40))
    if exif:
        data = Image.Exif()
        data[0x0110] = "Phone X"  # model
        data[0x0112] = 6  # orientation: rotate 90° clockwise
        img.save(buf, "JPEG", exif=data)
    else:
        img.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


PATH = {
    Status.REPORTED: [],
    Status.CONFIRMED: ["confirm"],
    Status.REJECTED: ["reject"],
    Status.ASSIGNED: ["confirm", "assign"],
    Status.RECTIFYING: ["confirm", "assign", "start"],
    Status.SUBMITTED: ["confirm", "assign", "start", "submit"],
    Status.CLOSED: ["confirm", "assign", "start", "submit", "verify"],
}


@pytest.fixture
def make_hazard(demo, school: Unit, finder: User, rectifier: User) -> Callable[..., Hazard]:
    """A hazard at the demo school in `status`, with the facts that status implies (written
    directly, and counted in the statistics: the loop itself is tested through the services)."""

    def make(status: str = Status.REPORTED, grade: str = Grade.GENERAL, **extra) -> Hazard:
        now = timezone.now()
        steps = PATH[status]
        hazard = Hazard(
            source="patrol", category="fire", grade=grade, location="教学楼2楼东侧", description="灭火器过期",
            reported_by=finder, reported_at=now, status_changed_at=now, status=status,
        )  # fmt: skip
        hazard.set_unit(school)
        if "reject" in steps:
            hazard.reject_reason = "不是隐患"
        if "assign" in steps:
            hazard.rectifier = rectifier
            hazard.deadline = timezone.localdate() + dt.timedelta(days=5)
            hazard.measures = "更换灭火器"
            hazard.plan = hazard.interim_measures = "方案" if grade == Grade.MAJOR else ""
        for key, value in extra.items():
            setattr(hazard, key, value)
        hazard.save()
        counting.changed(None, hazard)  # counted as the services count it
        if "submit" in steps:
            photo = HazardPhoto(hazard=hazard, stage=PhotoStage.EVIDENCE, width=1, height=1)
            photo.set_unit(school)
            photo.image.name = "hazards/test/evidence.jpg"
            photo.save()
        return hazard

    return make
