"""The school calendar: policy defaults, region and school calendars, make-up days, slots, the
1530 helpers, the services' validation and the bulk read's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, Unit, UnitKind
from safecampus.core.policy import load_policy
from safecampus.schoolcal import services
from safecampus.schoolcal.calendar import calendar_for, calendars_for
from safecampus.schoolcal.models import Calendar, SchoolSlot

D = dt.date

AUTUMN_2026 = {"name": "秋季学期", "start": D(2026, 9, 7), "end": D(2027, 1, 15)}


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_demo_region_keeps_the_policy_calendar(school):
    cal = calendar_for(school)
    assert cal.years[2026].source == "region" and cal.years[2026].source_unit.code == "demo"
    assert cal.is_school_day(D(2026, 12, 3))  # a Thursday in the autumn term
    assert cal.is_school_day(D(2026, 9, 20))  # a Sunday make-up day (调休上班日)
    assert cal.is_school_day(D(2026, 10, 10))  # a Saturday make-up day
    assert not cal.is_school_day(D(2026, 9, 19))  # an ordinary Saturday
    assert not cal.is_school_day(D(2026, 10, 1))  # 国庆节
    assert not cal.is_school_day(D(2026, 8, 31))  # before the term
    assert cal.is_school_day(D(2027, 1, 22)) and not cal.is_school_day(D(2027, 1, 25))  # 寒假
    assert cal.term_for(D(2026, 12, 3)).name == "秋季学期"
    assert cal.term_for(D(2027, 2, 1)) is None
    assert cal.term_for(D(2027, 3, 1)).start == D(2027, 2, 22)
    assert cal.school_days(D(2026, 9, 14), D(2026, 9, 20)) == [
        D(2026, 9, d) for d in (14, 15, 16, 17, 18, 20)
    ]
    assert [h.name for h in cal.holidays(D(2026, 9, 1), D(2026, 10, 31))] == ["中秋节", "国庆节"]
    assert cal.makeup_days(D(2026, 9, 1), D(2026, 10, 31)) == [D(2026, 9, 20), D(2026, 10, 10)]
    assert [t.name for t in cal.terms(D(2027, 1, 1), D(2027, 3, 1))] == ["秋季学期", "春季学期"]
    assert cal.next_holiday(D(2026, 12, 3)).name == "元旦"


def test_last_days_before_weekends_and_holidays(school):
    cal = calendar_for(school)
    # Friday 18 September: Saturday off, Sunday 20 is a make-up day — still a weekend break.
    assert cal.is_last_day_before_weekend(D(2026, 9, 18)) and not cal.is_last_day_before_holiday(
        D(2026, 9, 18)
    )
    assert not cal.is_last_day_before_weekend(D(2026, 9, 20))  # Monday follows at once
    # Friday 9 October is followed by the make-up Saturday: that Saturday is the day before the weekend.
    assert not cal.is_last_day_before_weekend(D(2026, 10, 9))
    assert cal.is_last_day_before_weekend(D(2026, 10, 10))
    assert cal.last_school_day_before_weekend(D(2026, 10, 5)) == D(2026, 10, 10)
    assert cal.last_school_day_before_weekend(D(2026, 12, 1)) == D(2026, 12, 4)
    # Before holidays: 中秋 (Thursday 24), 国庆 (Wednesday 30), 寒假 (Friday 22 January).
    for d in (D(2026, 9, 24), D(2026, 9, 30), D(2026, 12, 31), D(2027, 1, 22)):
        assert cal.is_last_day_before_holiday(d) and not cal.is_last_day_before_weekend(d), d
    assert not cal.is_last_day_before_holiday(D(2026, 9, 19))  # not a school day at all


def test_slots_default_and_school_change(school, sibling_school):
    cal = calendar_for(school)
    codes = [s.code for s in cal.slots()]
    assert codes[:3] == ["arrival", "morning_reading", "long_break"] and "lights_out" in codes
    assert cal.slot_time("arrival") == dt.time(7, 20)  # the demo school's own arrival time
    assert calendar_for(sibling_school).slot_time("arrival") == dt.time(7, 30)  # the policy's
    assert cal.slot("lunch").name == "Lunch"
    with pytest.raises(KeyError):
        cal.slot_time("nap")


def test_school_override_beats_region(school, county_unit):
    city, principal = user("demo_city"), user("demo_principal")
    other = Unit.objects.get(code="demo-c1-k1-s2")
    services.save_calendar(county_unit, 2026, actor=city, terms=[AUTUMN_2026], holidays=[], makeup_days=[])
    cal = calendar_for(other)
    assert cal.years[2026].source == "region" and cal.years[2026].source_unit == county_unit
    assert cal.years[2025].source_unit.code == "demo"  # the county kept no 2025 calendar
    assert not cal.is_school_day(D(2026, 9, 1)) and cal.is_school_day(D(2026, 9, 7))
    assert cal.is_school_day(D(2026, 10, 1))  # the county's calendar has no holidays
    own = {"name": "秋季学期", "start": D(2026, 9, 1), "end": D(2027, 1, 29)}
    services.save_calendar(
        school, 2026, actor=principal, terms=[own], holidays=[], makeup_days=[{"date": D(2026, 9, 19)}]
    )
    mine = calendar_for(school)
    assert mine.years[2026].source == "own"
    assert mine.is_school_day(D(2027, 1, 25)) and mine.is_school_day(D(2026, 9, 19))
    assert not calendar_for(other).is_school_day(D(2027, 1, 25))
    assert services.remove_calendar(school, 2026, actor=principal)
    assert calendar_for(school).years[2026].source_unit == county_unit
    verbs = set(AuditEvent.objects.filter(unit__in=[school, county_unit]).values_list("verb", flat=True))
    assert {"calendar.saved", "calendar.removed"} <= verbs


def test_a_region_policy_changes_default_slots(sibling_school):
    county2 = sibling_school.get_parent()
    load_policy(
        county2,
        {"calendar": {"slots": {"arrival": "08:00"}}},
        actor=user("demo_city"),
        version="k2-cal",
        effective_from=D(2020, 1, 1),
    )
    assert calendar_for(sibling_school).slot_time("arrival") == dt.time(8, 0)
    assert calendar_for(sibling_school).slot_time("lunch") == dt.time(11, 50)


def test_calendars_for_many_schools_in_bounded_queries(county_unit, django_assert_max_num_queries):
    for i in range(40):
        county_unit = Unit.objects.get(pk=county_unit.pk)
        county_unit.add_child(code=f"qc-{i}", name=f"测试学校{i}", kind=UnitKind.SCHOOL)
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=county_unit.path[:4]))[:50]
    assert len(schools) == 50
    principal = user("demo_principal")
    s1 = Unit.objects.get(code="demo-c1-k1-s1")
    services.save_calendar(s1, 2026, actor=principal, terms=[AUTUMN_2026], holidays=[], makeup_days=[])
    for s in schools[:10]:
        SchoolSlot.objects.create(unit=s, unit_path=s.path, code="flag", name="升旗", time=dt.time(7, 50))
    with django_assert_max_num_queries(8):
        cals = calendars_for(schools)
    with django_assert_max_num_queries(0):
        days = {pk: len(c.school_days(D(2026, 9, 1), D(2027, 7, 31))) for pk, c in cals.items()}
        flags = sum(c.has_slot("flag") for c in cals.values())
    assert len(cals) == 50 and flags == 10
    assert days[s1.pk] != days[schools[-1].pk]  # the school's own calendar counts
    # Schools with the same sources share the days' data.
    others = [c for c in cals.values() if c.unit.pk != s1.pk]
    assert len({id(c._days) for c in others}) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"terms": []}, "terms"),
        ({"terms": [AUTUMN_2026, {**AUTUMN_2026, "name": "又一个"}]}, "terms"),
        ({"terms": [{**AUTUMN_2026, "end": D(2026, 9, 1)}]}, "terms"),
        ({"terms": [{**AUTUMN_2026, "end": D(2027, 9, 30)}]}, "terms"),
        ({"terms": [{**AUTUMN_2026, "name": ""}]}, "terms"),
        ({"makeup_days": [{"date": D(2026, 9, 21)}]}, "makeup_days"),  # a Monday
        ({"makeup_days": [{"date": D(2026, 10, 3)}]}, "makeup_days"),  # inside 国庆
        ({"makeup_days": [{"date": D(2026, 9, 19)}, {"date": D(2026, 9, 19)}]}, "makeup_days"),
        ({"holidays": [{"name": "x", "start": D(2026, 10, 2), "end": D(2026, 10, 1)}]}, "holidays"),
    ],
)
def test_bad_calendars_are_refused_whole(school, change, field):
    good = {
        "terms": [AUTUMN_2026],
        "holidays": [{"name": "国庆节", "start": D(2026, 10, 1), "end": D(2026, 10, 7)}],
        "makeup_days": [{"date": D(2026, 10, 10)}],
    }
    with pytest.raises(Invalid) as exc:
        services.save_calendar(school, 2026, actor=user("demo_principal"), **{**good, **change})
    assert exc.value.field == field and str(exc.value.message)
    assert not Calendar.objects.filter(unit=school).exists()


def test_only_the_calendar_managers_write(school, county_unit):
    args = {"terms": [AUTUMN_2026], "holidays": [], "makeup_days": []}
    for name, unit in [("demo_teacher", school), ("demo_principal2", school), ("demo_county", county_unit),
                       ("demo_principal", county_unit)]:  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.save_calendar(unit, 2026, actor=user(name), **args)
    with pytest.raises(PermissionDenied):
        services.save_slots(school, [], actor=user("demo_guard"))
    assert not Calendar.objects.filter(unit__in=[school, county_unit]).exists()


def test_save_slots(school):
    safety = user("demo_safety")
    rows = [
        {"code": "arrival", "time": dt.time(7, 30), "active": True},  # back to the default: not stored
        {"code": "evening_study", "time": dt.time(18, 30), "active": False},
        {"code": "flag_raising", "name": "升旗", "time": dt.time(7, 50), "active": True},
    ]
    services.save_slots(school, rows, actor=safety)
    cal = calendar_for(school)
    assert cal.slot_time("arrival") == dt.time(7, 30)
    assert not cal.has_slot("evening_study")
    assert cal.slot("flag_raising").name == "升旗" and not cal.slot("flag_raising").standard
    assert SchoolSlot.objects.filter(unit=school).count() == 2
    assert AuditEvent.objects.filter(unit=school, verb="calendar.slots_saved").exists()
    for bad, field in [
        ([{"code": "Nap!", "time": dt.time(13, 0)}], "code"),
        ([{"code": "nap", "time": dt.time(13, 0)}], "name"),
        ([{"code": "lunch", "time": None}], "time"),
        ([{"code": "lunch", "time": dt.time(12, 0)}, {"code": "lunch", "time": dt.time(12, 5)}], "code"),
    ]:
        with pytest.raises(Invalid) as exc:
            services.save_slots(school, bad, actor=safety)
        assert exc.value.field == field
    assert calendar_for(school).has_slot("flag_raising")  # nothing changed by the refusals
