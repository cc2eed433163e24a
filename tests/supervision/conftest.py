"""Supervision cast: the county officer supervises demo-c1-k1-s1, whose principal and safety office
answer; demo_county2 and demo_principal2 are outsiders. Hazards come from tests/hazards/conftest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from safecampus.hazards.models import Grade, Hazard, Status
from safecampus.supervision import services
from safecampus.supervision.models import Letter
from tests.hazards.conftest import finder, make_hazard, parent, rectifier, safety  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def soon(days: int = 10) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def major(make_hazard) -> Hazard:  # noqa: F811
    return make_hazard(Status.ASSIGNED, grade=Grade.MAJOR)


@pytest.fixture
def make_letter(county, school) -> Callable[..., Letter]:
    def make(*hazards: Hazard, kind: str = "assignment", **extra) -> Letter:
        data = {"kind": kind, "hazards": [h.pk for h in hazards], "body": "请立即整改。",
                "deadline": soon(), **extra}  # fmt: skip
        return services.issue_letter(school, actor=county, data=data)

    return make
