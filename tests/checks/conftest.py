"""Checklist fixtures: the demo's safety officer of demo-c1-k1-s1, a parent, and items."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.checks.models import ChecklistTemplate
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def province_admin(demo) -> User:
    return User.objects.get(username="demo_province")


@pytest.fixture
def parent(school) -> User:
    person = User.objects.create(username="checks_parent", name="家长")
    Membership.objects.create(user=person, unit=school, role=Role.PARENT)
    return person


@pytest.fixture
def province_unit(demo) -> Unit:
    return Unit.objects.get(code="demo")


@pytest.fixture
def canteen(province_unit) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(unit=province_unit, code="canteen_daily")


@pytest.fixture
def school_copy(school) -> ChecklistTemplate:
    """The demo's adapted canteen check of demo-c1-k1-s1."""
    return ChecklistTemplate.objects.get(unit=school, copied_from__code="canteen_daily")


def rows(n: int = 3, *, prefix: str = "检查项") -> list[dict]:
    return [
        {
            "text_zh": f"{prefix}{i}",
            "text_en": f"Item {i}",
            "category": "fire",
            "photo_required_on_fail": i == 1,
        }
        for i in range(1, n + 1)
    ]


def jpeg(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
