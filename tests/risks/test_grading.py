"""Grading over the whole factor tables against the policy bands, boundaries exactly as the policy
says, and the policy change preview (nothing regraded silently)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from safecampus.core.errors import Invalid
from safecampus.core.policy import load_policy, policy_for
from safecampus.risks import regrade, services
from safecampus.risks.grading import parse_risk_policy, risk_policy_for
from safecampus.risks.models import GradingReason, RiskGrading, RiskPoint, Status

L = [10, 6, 3, 1, 0.5, 0.2, 0.1]
E = [10, 6, 3, 2, 1, 0.5]
C = [100, 40, 15, 7, 3, 1]


def expected_lec(d: Decimal) -> str:
    # The bands: D > 320 major; 160 < D ≤ 320 high; 70 < D ≤ 160 moderate; D ≤ 70 low.
    if d > 320:
        return "major"
    if d > 160:
        return "high"
    if d > 70:
        return "moderate"
    return "low"


def expected_ls(r: int) -> str:
    return "major" if r >= 20 else "high" if r >= 15 else "moderate" if r >= 9 else "low"


def test_policy_tables_are_the_seed_values(school):
    policy = risk_policy_for(school)
    assert [float(v) for v in policy.lec_l] == L
    assert [float(v) for v in policy.lec_e] == E
    assert [float(v) for v in policy.lec_c] == C
    assert policy.colour("major") == "red" and policy.colour("low") == "blue"
    assert policy.label("major", "zh-hans") == "重大风险"
    assert policy.label("high", "en") == "High risk"
    assert "2026.4" in policy.version


def test_every_lec_combination(school):
    policy = risk_policy_for(school)
    seen = set()
    for lk, e, c in itertools.product(L, E, C):
        grade = policy.grade_lec(lk, e, c)
        d = Decimal(str(lk)) * Decimal(str(e)) * Decimal(str(c))
        assert grade.score == d
        assert grade.level == expected_lec(d), (lk, e, c, d)
        seen.add(grade.level)
    assert len(list(itertools.product(L, E, C))) == 7 * 6 * 6
    assert seen == {"major", "high", "moderate", "low"}


@pytest.mark.parametrize(
    ("d", "level"),
    [(70, "low"), (70.0001, "moderate"), (160, "moderate"), (160.01, "high"), (320, "high"),
     (320.5, "major"), (0.01, "low"), (10000, "major")],
)  # fmt: skip
def test_lec_boundaries_exactly_as_the_policy_says(school, d, level):
    assert risk_policy_for(school).level_of("LEC", Decimal(str(d))) == level


def test_lec_70_reachable_from_the_table(school):
    grade = risk_policy_for(school).grade_lec(10, 1, 7)
    assert grade.score == 70 and grade.level == "low"


def test_every_ls_cell(school):
    policy = risk_policy_for(school)
    for lk, sv in itertools.product(range(1, 6), range(1, 6)):
        grade = policy.grade_ls(lk, sv)
        assert grade.score == lk * sv
        assert grade.level == expected_ls(lk * sv), (lk, sv)


@pytest.mark.parametrize(
    "factors",
    [
        {"l": 5, "e": 6, "c": 7},
        {"l": 10, "e": 6},
        {"l": "x", "e": 6, "c": 7},
        {"l": float("nan"), "e": 6, "c": 7},
        {"l": float("inf"), "e": 6, "c": 7},
        {"l": True, "e": 6, "c": 7},
        {"l": None, "e": 6, "c": 7},
    ],
)
def test_invalid_lec_factors(school, factors):
    with pytest.raises(Invalid):
        risk_policy_for(school).grade("LEC", factors)


@pytest.mark.parametrize("factors", [{"likelihood": 0, "severity": 3}, {"likelihood": 6, "severity": 1},
                                     {"likelihood": 2.5, "severity": 1}, {}])  # fmt: skip
def test_invalid_ls_factors(school, factors):
    with pytest.raises(Invalid):
        risk_policy_for(school).grade("LS", factors)


def test_unknown_method(school):
    with pytest.raises(Invalid):
        risk_policy_for(school).grade("XYZ", {})


def test_bad_policy_bands_are_refused():
    with pytest.raises(Invalid):
        parse_risk_policy({"lec": {"l": [1], "e": [1], "c": [1], "bands": [{"level": "purple"}]}})
    with pytest.raises(Invalid):
        parse_risk_policy({"lec": {"l": [], "e": [1], "c": [1], "bands": []}})


def _point(school, actor, name="东港区锅炉房", **factors):
    return services.create_point(
        school, actor=actor, name=name, category="utilities", location="后勤楼一层", method="LEC",
        factors=factors or {"l": 3, "e": 6, "c": 7},
    )  # fmt: skip


def test_policy_change_preview_then_apply(school, principal, city, demo):
    from safecampus.core.models import Unit

    a = _point(school, principal, "东港区配电房", l=3, e=6, c=7)  # 126 moderate
    b = _point(school, principal, "东港区操场", l=1, e=6, c=7)  # 42 low
    c = _point(school, principal, "东港区实验室", l=3, e=6, c=15)  # 270 high
    services.change_status(a, "confirm", actor=principal)
    # The city lowers the moderate threshold to 100 (and major to 250) from today.
    bands = [
        {"level": "major", "min": 250, "min_inclusive": False},
        {"level": "high", "min": 160, "min_inclusive": False},
        {"level": "moderate", "min": 100, "min_inclusive": False},
        {"level": "low", "min": 0, "min_inclusive": True},
    ]
    c1 = Unit.objects.get(code="demo-c1")
    load_policy(c1, {"risks": {"lec": {"bands": bands}}}, actor=city, version="c1-risk",
                effective_from=dt.date.today())  # fmt: skip
    assert policy_for(school).risks.lec.bands[0]["min"] == 250
    # Nothing changed silently.
    a.refresh_from_db()
    assert a.level == "moderate"
    changes = regrade.preview(school)
    by_pk = {ch.point.pk: ch for ch in changes}
    assert set(by_pk) == {c.pk}  # 126 stays moderate, 42 stays low; 270 becomes major
    assert by_pk[c.pk].new_level == "major" and by_pk[c.pk].old_level == "high"
    assert "demo-c1:c1-risk" in by_pk[c.pk].new_version
    applied = regrade.apply(school, actor=principal, expected=[c.pk])
    assert len(applied) == 1
    c.refresh_from_db()
    assert c.level == "major" and "c1-risk" in c.policy_version
    history = list(RiskGrading.objects.filter(point=c).order_by("id"))
    assert [h.level for h in history] == ["high", "major"]
    assert history[-1].reason == GradingReason.POLICY and history[-1].previous_level == "high"
    assert regrade.preview(school) == []
    b.refresh_from_db()
    assert b.level == "low"


def test_apply_refuses_a_stale_list(school, principal, city, demo):
    from safecampus.core.errors import Conflict
    from safecampus.core.models import Unit

    p = _point(school, principal, "东港区厨房", l=3, e=6, c=15)
    load_policy(Unit.objects.get(code="demo-c1"),
                {"risks": {"lec": {"bands": [{"level": "major", "min": 200, "min_inclusive": False},
                                             {"level": "low", "min": 0, "min_inclusive": True}]}}},
                actor=city, version="c1-r2", effective_from=dt.date.today())  # fmt: skip
    with pytest.raises(Conflict):
        regrade.apply(school, actor=principal, expected=[])
    p.refresh_from_db()
    assert p.level == "high"


def test_regrade_confirmed_point_to_major_without_plan_returns_to_draft(school, principal, city, demo):
    from safecampus.core.models import Unit

    p = _point(school, principal, "东港区锅炉", l=3, e=6, c=15)  # 270 high
    services.change_status(p, "confirm", actor=principal)
    load_policy(Unit.objects.get(code="demo-c1"),
                {"risks": {"lec": {"bands": [{"level": "major", "min": 200, "min_inclusive": False},
                                             {"level": "low", "min": 0, "min_inclusive": True}]}}},
                actor=city, version="c1-r3", effective_from=dt.date.today())  # fmt: skip
    (change,) = regrade.preview(school)
    assert change.back_to_draft
    regrade.apply(school, actor=principal)
    p.refresh_from_db()
    assert p.level == "major" and p.status == Status.DRAFT


def test_outsider_cannot_apply(school, outsider_principal, principal):
    from django.core.exceptions import PermissionDenied

    _point(school, principal)
    with pytest.raises(PermissionDenied):
        regrade.apply(school, actor=outsider_principal)
    assert RiskPoint.objects.filter(unit=school).count() == 1
