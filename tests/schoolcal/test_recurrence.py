"""Recurrence rules against the demo school's calendar (the policy's 2026–2027 year: 中秋 and 国庆
with the make-up Sunday 20 September and Saturday 10 October; arrival at 07:20), with a frozen
clock where "the next 366 days" matters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safecampus.schoolcal import services
from safecampus.schoolcal.calendar import SCHOOL_TZ, calendar_for
from safecampus.schoolcal.recurrence import describe, occurrences, rule_error, validate_rule

D = dt.date
FROZEN = dt.datetime(2026, 9, 10, 9, 0, tzinfo=SCHOOL_TZ)


@pytest.fixture
def cal(school):
    return calendar_for(school)


def days(found: list[dt.datetime]) -> list[dt.date]:
    return sorted({x.date() for x in found})


def at(d: dt.date, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, hh, mm, tzinfo=SCHOOL_TZ)


def test_daily_on_school_days_at_slots_and_times(cal):
    found = occurrences(
        {"kind": "daily", "slots": ["arrival"], "times": ["18:00"]}, cal, D(2026, 9, 18), D(2026, 9, 21)
    )
    assert found == [
        at(D(2026, 9, 18), 7, 20), at(D(2026, 9, 18), 18, 0),
        at(D(2026, 9, 20), 7, 20), at(D(2026, 9, 20), 18, 0),  # the make-up Sunday is a school day
        at(D(2026, 9, 21), 7, 20), at(D(2026, 9, 21), 18, 0),
    ]  # fmt: skip
    every = occurrences(
        {"kind": "daily", "times": ["08:00"], "school_days_only": False}, cal, D(2026, 9, 18), D(2026, 9, 21)
    )
    assert days(every) == [D(2026, 9, d) for d in (18, 19, 20, 21)]
    assert occurrences({"kind": "daily", "slots": ["lunch"]}, cal, D(2026, 10, 1), D(2026, 10, 7)) == []


def test_time_zone_is_asia_shanghai(cal):
    [first] = occurrences({"kind": "daily", "slots": ["arrival"]}, cal, D(2026, 9, 1), D(2026, 9, 1))
    assert first.tzinfo is not None and first.utcoffset() == dt.timedelta(hours=8)
    assert first.astimezone(dt.UTC) == dt.datetime(2026, 8, 31, 23, 20, tzinfo=dt.UTC)
    # Around the year's end too (no daylight saving in China).
    [later] = occurrences(
        {"kind": "dates", "dates": ["2027-07-01"], "times": ["23:30"]}, cal, D(2027, 7, 1), D(2027, 7, 1)
    )
    assert later.utcoffset() == dt.timedelta(hours=8) and later.astimezone(dt.UTC).day == 1


def test_several_times_a_day_sorted_without_repeats(cal):
    rule = {"kind": "daily", "slots": ["lunch", "arrival"], "times": ["15:00", "09:00", "07:20"]}
    found = occurrences(rule, cal, D(2026, 9, 1), D(2026, 9, 1))
    assert [x.strftime("%H:%M") for x in found] == ["07:20", "09:00", "11:50", "15:00"]


def test_weekly(cal):
    found = occurrences(
        {"kind": "weekly", "weekdays": [1, 5], "times": ["16:00"]}, cal, D(2026, 9, 28), D(2026, 10, 16)
    )
    # Friday 2 and Monday 5 October are 国庆; the rest are school days.
    assert days(found) == [D(2026, 9, 28), D(2026, 10, 9), D(2026, 10, 12), D(2026, 10, 16)]
    sundays = occurrences(
        {"kind": "weekly", "weekdays": [7], "times": ["10:00"]}, cal, D(2026, 9, 1), D(2026, 10, 31)
    )
    assert days(sundays) == [D(2026, 9, 20)]  # the only school Sunday


def test_monthly_clamps_and_moves_to_the_next_school_day(cal):
    rule = {"kind": "monthly", "day": 31, "times": ["15:00"]}
    found = occurrences(rule, cal, D(2026, 9, 1), D(2026, 12, 31))
    # 31 August (summer holiday) → the term's first day, 30 September (clamped), Saturday
    # 31 October → Monday 2 November, 30 November, 31 December.
    assert days(found) == [D(2026, 9, 1), D(2026, 9, 30), D(2026, 11, 2), D(2026, 11, 30), D(2026, 12, 31)]
    # 31 January 2027 is in the winter holiday → the spring term's first day; 28 February is a Sunday.
    assert days(occurrences(rule, cal, D(2027, 2, 1), D(2027, 3, 5))) == [D(2027, 2, 22), D(2027, 3, 1)]
    plain = occurrences({**rule, "school_days_only": False}, cal, D(2026, 10, 1), D(2026, 11, 30))
    assert days(plain) == [D(2026, 10, 31), D(2026, 11, 30)]


def test_before_holiday(cal):
    rule = {"kind": "before_holiday", "times": ["15:30"]}
    found = occurrences(rule, cal, D(2026, 9, 1), D(2027, 1, 31))
    assert days(found) == [D(2026, 9, 24), D(2026, 9, 30), D(2026, 12, 31), D(2027, 1, 22)]
    two = occurrences({**rule, "days_before": 2}, cal, D(2026, 9, 1), D(2027, 1, 31))
    assert days(two) == [D(2026, 9, 23), D(2026, 9, 29), D(2026, 12, 30), D(2027, 1, 21)]
    # The day before 劳动节 2027 counts the make-up Sunday 25 April? No: it is Friday 30 April.
    assert days(occurrences(rule, cal, D(2027, 4, 20), D(2027, 5, 10))) == [D(2027, 4, 30)]


def test_term_start_and_end(cal):
    start = occurrences({"kind": "term_start", "slots": ["arrival"]}, cal, D(2026, 8, 1), D(2027, 7, 31))
    assert days(start) == [D(2026, 9, 1), D(2027, 2, 22)]
    later = occurrences(
        {"kind": "term_start", "offset_days": 3, "times": ["10:00"]}, cal, D(2026, 8, 1), D(2026, 12, 31)
    )
    assert days(later) == [D(2026, 9, 4)]
    end = occurrences({"kind": "term_end", "times": ["10:00"]}, cal, D(2026, 8, 1), D(2027, 7, 31))
    assert days(end) == [D(2027, 1, 22), D(2027, 7, 2)]
    before = occurrences(
        {"kind": "term_end", "offset_days": 1, "times": ["10:00"]}, cal, D(2027, 1, 1), D(2027, 1, 31)
    )
    assert days(before) == [D(2027, 1, 21)]


def test_dates(cal):
    rule = {"kind": "dates", "dates": ["2026-10-01", "2026-09-20", "2026-09-19"], "times": ["09:00"]}
    assert days(occurrences(rule, cal, D(2026, 9, 1), D(2026, 10, 31))) == [
        D(2026, 9, 19),
        D(2026, 9, 20),
        D(2026, 10, 1),
    ]
    only = occurrences({**rule, "school_days_only": True}, cal, D(2026, 9, 1), D(2026, 10, 31))
    assert days(only) == [D(2026, 9, 20)]


def test_a_slot_turned_off_fires_no_more(cal, school, principal):
    rule = validate_rule({"kind": "daily", "slots": ["evening_study"], "times": ["21:00"]}, cal)
    services.save_slots(
        school, [{"code": "evening_study", "time": dt.time(18, 30), "active": False}], actor=principal
    )
    later = calendar_for(school)
    assert [x.strftime("%H:%M") for x in occurrences(rule, later, D(2026, 9, 1), D(2026, 9, 1))] == ["21:00"]
    with pytest.raises(ValidationError):
        validate_rule(rule, later)  # a new schedule may not name it


def test_validate_normalises(cal):
    rule = validate_rule({"kind": "weekly", "weekdays": [5, 1, 5], "times": ["18:00", "07:00", "18:00"]}, cal)
    assert rule == {
        "kind": "weekly",
        "slots": [],
        "times": ["07:00", "18:00"],
        "weekdays": [1, 5],
        "school_days_only": True,
    }
    assert validate_rule({"kind": "before_holiday", "slots": ["dismissal"]})["days_before"] == 1
    assert validate_rule({"kind": "term_end", "times": ["09:00"]}) == {
        "kind": "term_end", "slots": [], "times": ["09:00"], "offset_days": 0, "school_days_only": False,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ([], "rule"),
        ({"kind": "yearly", "times": ["08:00"]}, "kind"),
        ({"kind": "daily"}, "slots"),
        ({"kind": "daily", "slots": [], "times": []}, "slots"),
        ({"kind": "daily", "times": ["25:00"]}, "times"),
        ({"kind": "daily", "times": ["7:30"]}, "times"),
        ({"kind": "daily", "times": "07:30"}, "times"),
        ({"kind": "daily", "slots": ["nap"]}, "slots"),
        ({"kind": "daily", "slots": ["Not a code"]}, "slots"),
        ({"kind": "daily", "times": ["08:00"], "day": 3}, "day"),
        ({"kind": "daily", "times": ["08:00"], "school_days_only": "yes"}, "school_days_only"),
        ({"kind": "weekly", "times": ["08:00"]}, "weekdays"),
        ({"kind": "weekly", "times": ["08:00"], "weekdays": [0]}, "weekdays"),
        ({"kind": "monthly", "times": ["08:00"], "day": 32}, "day"),
        ({"kind": "monthly", "times": ["08:00"], "day": True}, "day"),
        ({"kind": "before_holiday", "times": ["08:00"], "days_before": 0}, "days_before"),
        ({"kind": "term_start", "times": ["08:00"], "offset_days": -1}, "offset_days"),
        ({"kind": "dates", "times": ["08:00"], "dates": []}, "dates"),
        ({"kind": "dates", "times": ["08:00"], "dates": ["2026-13-01"]}, "dates"),
    ],
)
@time_machine.travel(FROZEN, tick=False)
def test_bad_rules_name_their_field(cal, rule, field):
    with pytest.raises(ValidationError) as exc:
        validate_rule(rule, cal)
    found, message = rule_error(exc.value)
    assert found == field and message


@time_machine.travel(FROZEN, tick=False)
def test_a_rule_that_never_fires_is_refused(cal):
    for rule in (
        {"kind": "dates", "dates": ["2026-01-05"], "times": ["09:00"]},  # in the past
        {"kind": "dates", "dates": ["2027-09-11"], "times": ["09:00"]},  # beyond 366 days
        {"kind": "dates", "dates": ["2026-10-01"], "times": ["09:00"], "school_days_only": True},  # 国庆
        {"kind": "weekly", "weekdays": [6, 7], "times": ["09:00"], "school_days_only": True}
        | {"weekdays": [6]},  # Saturdays: 10 October is one
    ):
        if rule["kind"] == "weekly":
            assert validate_rule(rule, cal)
            continue
        with pytest.raises(ValidationError) as exc:
            validate_rule(rule, cal)
        assert rule_error(exc.value)[0] == "rule"
    assert validate_rule({"kind": "dates", "dates": ["2027-03-01"], "times": ["09:00"]}, cal)


@time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=SCHOOL_TZ), tick=False)
def test_saturdays_never_fire_after_the_last_make_up_saturday(cal):
    # The last school Saturday of the calendar is 10 October 2026 (2027-04-25 is a Sunday).
    with pytest.raises(ValidationError) as exc:
        validate_rule({"kind": "weekly", "weekdays": [6], "times": ["09:00"]}, cal)
    field, message = rule_error(exc.value)
    assert field == "rule" and "never" in message
    # Without the school-day filter the same rule fires; without a calendar it is not checked.
    assert validate_rule(
        {"kind": "weekly", "weekdays": [6], "times": ["09:00"], "school_days_only": False}, cal
    )
    assert validate_rule({"kind": "weekly", "weekdays": [6], "times": ["09:00"]})


def test_describe(cal):
    assert (
        describe({"kind": "daily", "slots": ["arrival"], "times": ["18:00"]}, cal)
        == "Every school day Arrival 07:20, 18:00"
    )
    assert describe({"kind": "daily", "slots": ["arrival"]}) == "Every school day Arrival"
    assert (
        describe({"kind": "weekly", "weekdays": [5, 1], "times": ["16:00"]})
        == "Every week on Mon, Fri (school days) 16:00"
    )
    assert describe({"kind": "monthly", "day": 1, "times": ["09:00"]}).startswith(
        "Monthly on day 1 (or the next school day)"
    )
    assert (
        describe({"kind": "before_holiday", "days_before": 2, "times": ["15:30"]})
        == "2 school days before each holiday 15:30"
    )
    assert describe({"kind": "term_start", "times": ["08:00"]}) == "On the first day of each term 08:00"
    assert (
        describe({"kind": "term_end", "offset_days": 1, "times": ["08:00"]})
        == "1 day before each term ends 08:00"
    )
    assert describe({"kind": "dates", "dates": ["2026-09-01"], "times": ["08:00"]}) == "On 2026-09-01 08:00"
    assert describe({"kind": "nope"}) == "Invalid schedule rule"
