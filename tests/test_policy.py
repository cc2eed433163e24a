"""Policy as data: shipped defaults, versioned overrides per region, effective dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.cli import main as cli_main
from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, PolicyVersion
from safecampus.core.policy import load_policy, parse_policy_file, policy_for


def test_seed_defaults(school):
    p = policy_for(school)
    assert p.training.annual_hours.main_person_in_charge == 24
    assert p.training.annual_hours.principal_new_school == 40
    assert p.training.annual_hours.full_time_safety_staff == 32
    assert p.training.student_lesson_interval_days == 14
    assert p.drills.min_per_term == 1
    assert p.supervision.school_visits_per_week == 2
    assert [b["min"] for b in p.risks.lec.bands] == [320, 160, 70, 0]
    assert p.guards.bands[0] == {"max_students": 500, "min_guards": 2}


def test_child_region_overrides_and_versions(province, city, school, county_unit, demo):
    from safecampus.core.models import Unit

    c1 = Unit.objects.get(code="demo-c1")
    load_policy(
        c1,
        {"supervision": {"school_visits_per_week": 3}},
        actor=city,
        version="c1-2026",
        effective_from=dt.date(2026, 1, 1),
    )
    load_policy(
        c1,
        {"supervision": {"school_visits_per_week": 4}},
        actor=city,
        version="c1-2027",
        effective_from=dt.date(2027, 1, 1),
    )
    assert policy_for(school, dt.date(2026, 6, 1)).supervision.school_visits_per_week == 3
    assert policy_for(school, dt.date(2027, 6, 1)).supervision.school_visits_per_week == 4
    assert policy_for(school, dt.date(2025, 6, 1)).supervision.school_visits_per_week == 2
    # Untouched values still come from the default.
    assert policy_for(school, dt.date(2026, 6, 1)).training.annual_hours.principal_new_school == 40
    # A sibling city keeps the default.
    assert (
        policy_for(
            Unit.objects.get(code="demo-c2-k1-s1"), dt.date(2026, 6, 1)
        ).supervision.school_visits_per_week
        == 2
    )
    assert AuditEvent.objects.filter(verb="policy.loaded", unit=c1).count() == 2


def test_override_validation_changes_nothing(city, demo):
    from safecampus.core.models import Unit

    c1 = Unit.objects.get(code="demo-c1")
    n = PolicyVersion.objects.count()
    for bad in (
        {"nonsense": 1},
        {"training": {"pass_mark": "high"}},
        {"drills": {"min_per_term": -1}},
        {"training": 5},
        [],
    ):
        with pytest.raises(Invalid):
            load_policy(c1, bad, actor=city, version="bad", effective_from=dt.date(2026, 1, 1))
    assert PolicyVersion.objects.count() == n


def test_only_bureau_admins_load_policy(county, outsider, demo):
    from safecampus.core.models import Unit

    k1 = Unit.objects.get(code="demo-c1-k1")
    for actor in (county, outsider):  # safety officers may not; the sibling may not either
        with pytest.raises(PermissionDenied):
            load_policy(
                k1,
                {"drills": {"min_per_term": 2}},
                actor=actor,
                version="x",
                effective_from=dt.date(2026, 1, 1),
            )


def test_parse_policy_file():
    values, version, eff = parse_policy_file(
        "version: r1\neffective_from: 2026-09-01\ndrills:\n  min_per_term: 2\n"
    )
    assert values == {"drills": {"min_per_term": 2}} and version == "r1" and eff == dt.date(2026, 9, 1)
    with pytest.raises(Invalid):
        parse_policy_file("a: [unclosed")


def test_cli_policy_show_and_load(tmp_path, capsys, demo):
    assert cli_main(["policy", "show", "--unit", "demo-c1-k1-s1"]) == 0
    assert '"school_visits_per_week": 2' in capsys.readouterr().out
    f = tmp_path / "p.yaml"
    f.write_text("version: k1-1\neffective_from: 2020-01-01\ndrills:\n  min_per_term: 2\n", encoding="utf-8")
    assert cli_main(["policy", "load", str(f), "--unit", "demo-c1-k1"]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: k1-2\neffective_from: 2020-01-01\nunknown: 1\n", encoding="utf-8")
    assert cli_main(["policy", "load", str(bad), "--unit", "demo-c1-k1"]) == 1
    assert cli_main(["policy", "show", "--unit", "nope"]) == 2
