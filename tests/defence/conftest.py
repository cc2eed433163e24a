"""The register's cast at demo-c1-k1-s1 (demo_safety keeps it) and items made through the
services; guard staffing stubbed per school (`staffed`)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.defence import services
from safecampus.defence.models import Equipment


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staffed(monkeypatch) -> set[int]:
    """School ids whose guards are staffed (the guards module's answer, stubbed)."""
    ids: set[int] = set()
    monkeypatch.setattr(
        "safecampus.defence.facts._staffing", lambda schools: {s.pk: s.pk in ids for s in schools}
    )
    return ids


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
def make_item(safety, school) -> Callable[..., Equipment]:
    def make(unit: Unit | None = None, actor: User | None = None, **data) -> Equipment:
        fields = {"kind": "steel_fork", "quantity": 2, "location": "东港区门卫室"}
        fields.update(data)
        return services.add_equipment(unit or school, actor=actor or safety, data=fields)

    return make
