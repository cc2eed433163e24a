"""The demo lists an open major hazard of demo-c1-k1 and issues one letter, once."""

from __future__ import annotations

from safecampus.supervision.demo import load_demo_supervision
from safecampus.supervision.models import Letter, ListedSupervision


def test_demo_supervision(monkeypatch, make_hazard, major):
    assert load_demo_supervision() == 0  # off in tests
    monkeypatch.setenv("SAFECAMPUS_DEMO_SUPERVISION", "1")
    assert load_demo_supervision() == 1
    assert load_demo_supervision() == 0
    assert ListedSupervision.objects.get().hazard == major
    assert Letter.objects.get().hazards.get() == major


def test_demo_without_major_hazard(monkeypatch, make_hazard):
    monkeypatch.setenv("SAFECAMPUS_DEMO_SUPERVISION", "1")
    make_hazard()
    assert load_demo_supervision() == 0 and not Letter.objects.exists()
