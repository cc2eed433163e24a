"""Due rules against the school calendar (policy calendar 2026–2027), with a frozen clock."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.policy import policy_for
from safecampus.schoolcal.calendar import calendar_for
from safecampus.talks import due, topics
from safecampus.talks.models import Kind

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("day", "kind", "minutes"),
    [
        (D(2026, 10, 14), Kind.DAILY, 1),  # a Wednesday
        (D(2026, 10, 16), Kind.WEEKEND, 5),  # a Friday before an ordinary weekend
        (D(2026, 10, 17), None, None),  # Saturday
        (D(2026, 10, 18), None, None),  # Sunday
        (D(2026, 9, 24), Kind.HOLIDAY, 30),  # the day before 中秋节: 30 minutes, not 1
        (D(2026, 9, 30), Kind.HOLIDAY, 30),  # the day before 国庆节
        (D(2026, 10, 2), None, None),  # in the holiday
        (D(2026, 9, 20), Kind.DAILY, 1),  # a Sunday make-up working day is a school day
        (D(2026, 9, 18), Kind.WEEKEND, 5),  # Friday, one day off before the make-up Sunday
        (D(2026, 10, 9), Kind.DAILY, 1),  # Friday before the make-up Saturday: no days off
        (D(2026, 10, 10), Kind.WEEKEND, 5),  # the make-up Saturday, before Sunday off
        (D(2026, 12, 31), Kind.HOLIDAY, 30),  # before 元旦
        (D(2027, 1, 22), Kind.HOLIDAY, 30),  # the last day of term
        (D(2026, 8, 20), None, None),  # summer holiday
    ],
)
def test_due_rules(school, day, kind, minutes):
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        cal = calendar_for(school, on=day)
        got = due.due_on(cal, day, policy_for(school, day))
    if kind is None:
        assert got is None
    else:
        assert (got.kind, got.minutes) == (kind, minutes)


def test_seasonal_and_plan_topics(school):
    policy = policy_for(school)
    assert "溺水" in topics.seasonal_topic(D(2026, 6, 10), policy, "zh-hans")
    assert "Drowning" in topics.seasonal_topic(D(2026, 6, 10), policy, "en")
    assert "火" in topics.seasonal_topic(D(2026, 12, 10), policy, "zh-hans")
    assert "国庆" in topics.seasonal_topic(D(2026, 10, 10), policy, "zh-hans")

    def theme(unit, day):
        return "十一月主题：消防安全" if day.month == 11 else None

    topics.register_theme_source(theme)
    try:
        assert topics.suggested_topic(school, D(2026, 11, 3)) == "十一月主题：消防安全"
        assert topics.suggested_topic(school, D(2026, 6, 3), language="en").startswith("Drowning")
    finally:
        topics.unregister_theme_source(theme)
