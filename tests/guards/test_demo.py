"""The demo register: a company and three guards at demo-c1-k1-s1 (demo_guard linked to his account,
one certificate expiring this month), other schools with guards, some short of the policy."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safecampus.core.models import Unit, UnitKind
from safecampus.guards import demo
from safecampus.guards.models import Guard, SecurityCompany
from safecampus.guards.staffing import staffing_for_schools

pytestmark = pytest.mark.django_db


def test_demo(school):
    assert demo.load_guards_demo() > 3
    guards = Guard.objects.filter(unit=school)
    assert guards.count() == 3 and SecurityCompany.objects.filter(unit=school).count() == 1
    zhao = guards.get(name="赵铁柱")
    assert zhao.user.username == "demo_guard" and zhao.company is not None
    today = timezone.localdate()
    month = (today.year, today.month)
    this_month = [g for g in guards if (g.certificate_expires.year, g.certificate_expires.month) == month]
    assert len(this_month) == 1
    schools = Unit.objects.filter(code__startswith="demo-", kind=UnitKind.SCHOOL)
    found = staffing_for_schools(schools)
    assert found[school.pk].compliant and found[school.pk].expiring == 1
    short = [s for s in found.values() if not s.compliant]
    assert 3 <= len(short) < len(found)
    assert any(s.over_age for s in found.values())
    assert demo.load_guards_demo() == 0  # idempotent
