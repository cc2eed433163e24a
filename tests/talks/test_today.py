"""The 1530 "today" cards: the head teacher's open and missed talks, the school's classes that
missed the last talk, the county's schools below the rate threshold."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from safecampus.talks import settle, today_cards
from safecampus.talks.services import record

from .helpers import make_class

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 15, 8, 0, tzinfo=dt.UTC)  # Thursday 16:00 in Shanghai


def test_cards(head_teacher, principal, county, outsider, school):
    klass = make_class(school, 3, 1, head_teacher)
    other = make_class(school, 3, 2, head_teacher)
    with time_machine.travel(NOW, tick=False):
        settle.settle(dt.date(2026, 10, 13))
        settle.settle(dt.date(2026, 10, 14))
        record(head_teacher, class_id=klass.pk, date="2026-10-14", kind="daily", topic="防溺水", minutes=1,
               client_id=str(uuid.uuid4()))  # fmt: skip
        assert today_cards.open_today(head_teacher, None) == 2
        assert today_cards.missed_week(head_teacher, None) == 3  # 13th both, 14th the other class
        assert today_cards.missed_yesterday(principal, None) == 1
        assert today_cards.missed_yesterday(head_teacher, None) == 0
        assert today_cards.is_bureau_reader(county, None)
        assert today_cards.below_count(county, None) == 1
        assert today_cards.below_count(outsider, None) == 0
        del other
