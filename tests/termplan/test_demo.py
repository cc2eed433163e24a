"""The demo step: demo-c1-k1-s1's published plan with this month's theme and progress, a sibling's
plan, the kindergarten without one; idempotent; the county's figures equal a recount."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.models import Unit
from safecampus.termplan import queries, stats
from safecampus.termplan.counting import TERMPLANS
from safecampus.termplan.demo import load_termplan_demo
from safecampus.termplan.models import ItemStatus, PlanItem, TermPlan

pytestmark = pytest.mark.django_db
DEC_4 = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)


@time_machine.travel(DEC_4, tick=False)
def test_demo_plans(demo, school, county_unit):
    load_termplan_demo()
    load_termplan_demo()  # idempotent
    plan = queries.current_plan(school)
    assert plan.status == "published" and plan.term_key == 20261
    assert queries.theme_for(school, dt.date(2026, 12, 4))
    past = plan.items.filter(month__lt=202612)
    assert past.exists() and not past.filter(status=ItemStatus.PLANNED).exists()
    assert past.filter(status=ItemStatus.SUMMARISED).exists()
    december = plan.items.filter(month=202612)
    assert (
        december.filter(status=ItemStatus.DONE).exists()
        and december.filter(status=ItemStatus.PLANNED).exists()
    )
    assert queries.current_plan(Unit.objects.get(code="demo-c1-k1-s2")) is not None
    assert queries.current_plan(Unit.objects.get(code="demo-c1-k1-s3")) is None
    assert TermPlan.objects.filter(unit_path__startswith=county_unit.path).count() == 2
    t = stats.read_one(county_unit, 20261)
    assert (t.schools, t.plans) == (3, 2)
    assert (
        t.done
        == PlanItem.objects.filter(
            unit_path__startswith=county_unit.path, status__in=("done", "summarised")
        ).count()
    )
    assert TERMPLANS.reconcile().clean
