"""Staffing from the policy: the bands at their boundaries (500, 501, 1,000, 1,001, 1,500 pupils),
boarding and gates, a region's override; certified, expiring, untrained and over-age guards; a
constant number of queries for many schools."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safecampus.core.models import PolicyVersion, Unit, UnitKind
from safecampus.core.policy import default_values
from safecampus.guards import services
from safecampus.guards.staffing import band_guards, required_guards, staffing_for, staffing_for_schools

from .conftest import enrol, learn

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(("pupils", "guards"), [(0, 2), (500, 2), (501, 3), (1000, 3), (1001, 4), (1500, 13)])
def test_bands_at_their_boundaries(pupils, guards):
    assert band_guards(pupils, default_values()) == guards


def test_boarding_and_gates_add_from_policy():
    policy = default_values()
    assert required_guards(800, policy, boarding=True, gates=1) == 3 + policy["guards"]["boarding_extra"]
    assert required_guards(800, policy, gates=3) == 3 + 2 * policy["guards"]["large_campus"]["extra_per_gate"]


@pytest.mark.django_db
@pytest.mark.parametrize(("pupils", "guards"), [(500, 2), (501, 3), (1000, 3), (1001, 4), (1500, 13)])
def test_a_school_needs_guards_by_its_enrolled_pupils(school, pupils, guards):
    enrol(school, pupils)
    assert staffing_for(school).required == guards


@pytest.mark.django_db
def test_a_regions_override_changes_the_bands(school):
    enrol(school, 501)
    assert staffing_for(school).required == 3
    bands = [{"max_students": 600, "min_guards": 2}, {"max_students": 1000, "min_guards": 4}]
    PolicyVersion.objects.create(
        unit=Unit.objects.get(code="demo-c1-k1"),
        version="g1",
        effective_from=dt.date(2020, 1, 1),
        data={"guards": {"bands": bands, "above_last_band_rate": 0.01}},
    )
    assert staffing_for(school).required == 2
    enrol(school, 1100)
    assert staffing_for(school).required == 4 + 1  # ceil(1 % of 100)


@pytest.mark.django_db
def test_boarding_pupils_and_gates_raise_the_need(school, school_admin):
    enrol(school, 300, boarding=5)
    s = staffing_for(school)
    assert s.boarding and s.required == 2 + default_values()["guards"]["boarding_extra"]
    services.set_gates(school, 3, actor=school_admin)
    assert staffing_for(school).required == s.required + 2


@pytest.mark.django_db
def test_only_full_time_certified_guards_on_post_count(school, make_guard, school_admin):
    enrol(school, 100)
    make_guard()
    part = make_guard(full_time=False)
    make_guard(certificate_no="", certificate_expires=None)
    expired = make_guard(certificate_expires=timezone.localdate() - dt.timedelta(days=1))
    s = staffing_for(school)
    assert (s.on_post, s.certified, s.counted, s.compliant) == (4, 2, 1, False)
    services.edit_guard(part, actor=school_admin, data={"full_time": True})
    assert staffing_for(school).compliant
    services.move_guard(part, "leave", actor=school_admin)
    assert not staffing_for(school).compliant
    services.edit_guard(expired, actor=school_admin, data={"certificate_expires": dt.date(2030, 1, 1)})
    assert staffing_for(school).compliant


@pytest.mark.django_db
def test_expiring_untrained_and_over_age(school, make_guard, guard, lesson):
    today = timezone.localdate()
    make_guard(certificate_expires=today + dt.timedelta(days=30))  # expiring (the last day counted)
    make_guard(certificate_expires=today + dt.timedelta(days=31))  # not yet
    make_guard(certificate_expires=today - dt.timedelta(days=1))  # expired: not "expiring", not certified
    old = make_guard(birth_date=dt.date(today.year - 61, 1, 1), id_number="")
    trained = make_guard(user=guard.pk)
    s = staffing_for(school)
    assert s.expiring == 1 and s.over_age == 1 and s.certified == 4
    assert s.untrained == 5  # nobody has training hours yet (four have no account at all)
    learn(guard, lesson, today, 24, school)
    s = staffing_for(school)
    assert s.untrained == 4
    assert old.age_on(today) >= 61 and trained.user_id == guard.pk


@pytest.mark.django_db
def test_hours_this_year_only(school, make_guard, guard, lesson):
    today = timezone.localdate()
    make_guard(user=guard.pk)
    learn(guard, lesson, today.replace(year=today.year - 1), 30, school)
    assert staffing_for(school).untrained == 1


@pytest.mark.django_db
def test_many_schools_in_a_constant_number_of_queries(django_assert_max_num_queries, make_guard, school):
    make_guard()
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, code__startswith="demo-"))
    assert len(schools) >= 12
    with django_assert_max_num_queries(8) as few:
        one = staffing_for_schools(schools[:1])
    with django_assert_max_num_queries(len(few.captured_queries)):
        found = staffing_for_schools(schools)
    assert set(found) == {s.pk for s in schools}
    assert found[school.pk].on_post == 1 and one
