"""The demo hazards: every status of the loop at demo-c1-k1-s1, through the services, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.models import AuditEvent
from safecampus.hazards.demo import load_demo_hazards
from safecampus.hazards.models import Escalation, Hazard, Resolution, Status
from safecampus.hazards.recount import reconcile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_hazards_cover_the_loop(demo, school):
    # Early in a month, so back-dated reports fall into the month before (the statistics follow).
    with time_machine.travel(
        dt.datetime(2026, 12, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        _check_demo(school)


def _check_demo(school):
    assert load_demo_hazards() == 12
    hazards = Hazard.objects.filter(unit=school)
    assert set(hazards.values_list("status", flat=True)) == set(Status.values)
    assert hazards.filter(resolution=Resolution.ON_SPOT).count() == 1
    major = hazards.get(grade="major")
    assert major.plan and major.interim_measures
    assert hazards.exclude(escalation=Escalation.SCHOOL).count() == 1
    assert all(h.photos.exists() for h in hazards)
    assert AuditEvent.objects.filter(verb="hazard.reported").count() >= 12
    assert load_demo_hazards() == 0 and hazards.count() == 12
    assert reconcile().clean  # back-dating went through the statistics too
