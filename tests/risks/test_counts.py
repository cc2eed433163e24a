"""The `risks` roll-up: the bureau ranking and the reported ledger's total are read from cells
that every service keeps exact (identify, grade, edit, confirm, retire, policy regrade), equal to a
recount of the points, and the sibling county sees none of them."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.risks import queries, services
from safecampus.risks.counts import RISKS, RiskCell, RiskDelta
from safecampus.risks.models import RiskPoint

from .samples import k1_points

pytestmark = pytest.mark.django_db


def naive(unit: Unit) -> int:
    return RiskPoint.objects.filter(unit_path__startswith=unit.path).filter(queries.reported_q(unit)).count()


def ranked_total(user: User, unit: Unit) -> int:
    return sum(row["total"] for row in queries.child_counts(user, unit))


def test_bureau_counts_follow_every_change_and_equal_a_recount(demo, monkeypatch):
    monkeypatch.setattr("safecampus.core.rollups.jobs.fold_soon", lambda name: None)  # keep deltas pending
    county_user = User.objects.get(username="demo_county")
    county = Unit.objects.get(code="demo-c1-k1")
    city = Unit.objects.get(code="demo-c1")
    actor = User.objects.get(username="demo_safety")
    before = naive(county)
    points = k1_points()
    assert naive(county) == before + 2  # confirmed moderate and major; the draft stays at school
    assert ranked_total(county_user, county) == naive(county)
    assert RiskDelta.objects.exists()  # pending deltas count before any fold
    services.change_status(points["draft"], "confirm", actor=actor)  # low: not reported upward
    services.grade_point(points["draft"], actor=actor, method="LEC", factors={"l": 3, "e": 6, "c": 7})
    assert ranked_total(county_user, county) == naive(county) == before + 3
    services.update_point(points["moderate"], actor=actor, category="fire")
    services.change_status(points["moderate"], "retire", actor=actor)
    assert ranked_total(county_user, county) == naive(county) == before + 2
    assert queries.reported_total(city, queries.Filters()) == naive(city)
    assert queries.reported_total(county, queries.Filters(category="laboratory")) == (
        RiskPoint.objects.filter(unit_path__startswith=county.path, category="laboratory")
        .filter(queries.reported_q(county)).count()
    )  # fmt: skip
    assert queries.reported_total(county, queries.Filters(q="危化品")) is None  # text: counted live
    RISKS.fold()
    assert not RiskDelta.objects.exists() and RiskCell.objects.exists()
    assert ranked_total(county_user, county) == naive(county)
    assert RISKS.reconcile().clean


def test_bureau_ledger_pages_from_cells_and_outsider_sees_nothing(demo, client_for):
    k1_points()
    county = Unit.objects.get(code="demo-c1-k1")
    officer = User.objects.get(username="demo_county")
    body = client_for(officer).get(f"/risks/units/{county.pk}/").content.decode()
    assert "东港区样本危化品库" in body
    outsider = User.objects.get(username="demo_county2")
    assert client_for(outsider).get(f"/risks/units/{county.pk}/").status_code == 404
    assert "东港区样本" not in client_for(outsider).get("/risks/", follow=True).content.decode()
