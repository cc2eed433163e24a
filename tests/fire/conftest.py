"""The register's cast at demo-c1-k1-s1 (demo_safety keeps it, demo_guard checks) and devices
made through the services."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.fire import services
from safecampus.fire.models import FireDevice


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def k2_school(demo) -> Unit:
    return Unit.objects.get(code="demo-c1-k2-s1")


def jpeg(colour: str = "red") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def cid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def make_device(safety, school) -> Callable[..., FireDevice]:
    counter = iter(range(1, 10_000))

    def make(unit: Unit | None = None, actor: User | None = None, **data) -> FireDevice:
        n = next(counter)
        fields = {
            "code": f"T-{n:03d}",
            "type": "extinguisher_powder",
            "building": "教学楼",
            "floor": "1F",
            "location": f"东港区样本走廊{n}",
            "production_date": dt.date(2024, 3, 1),
            "last_service_date": None,
        }
        fields.update(data)
        return services.add_device(unit or school, actor=actor or safety, data=fields)

    return make
