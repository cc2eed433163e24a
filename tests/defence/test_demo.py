"""The demo registers: demo-c1-k1-s1 has a camera not networked with the police and a failed
perimeter-alarm test (a hazard); among the demo schools each indicator has schools short of it;
a second load changes nothing."""

from __future__ import annotations

import pytest

from safecampus.core.models import Unit
from safecampus.defence import board
from safecampus.defence.demo import load_defence_demo
from safecampus.defence.models import Equipment, EquipmentTest, Three100Fact

pytestmark = pytest.mark.django_db


def test_demo_registers(demo, school, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert load_defence_demo() > 0
    cams = Equipment.objects.filter(unit=school, kind="cctv")
    assert cams.filter(police_linked=False).count() == 1 and cams.filter(police_linked=True).exists()
    assert EquipmentTest.objects.filter(unit=school, result="fail", hazard__isnull=False).count() == 1
    facts = Three100Fact.objects.filter(unit__code__startswith="demo-")
    for indicator in ("closed_management", "alarm_networked", "video_networked", "guards_staffed"):
        assert facts.filter(**{indicator: False}).exists(), indicator
    assert facts.filter(closed_management=True, alarm_networked=True, video_networked=True).exists()
    root = Unit.objects.get(code="demo")
    assert board.row(root).as_dict() == board.recount(root)
    counts = (Equipment.objects.count(), EquipmentTest.objects.count())
    assert load_defence_demo() == 0
    assert (Equipment.objects.count(), EquipmentTest.objects.count()) == counts
