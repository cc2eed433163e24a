"""The 1530 demo: six weeks of talks for the demo classes, some missed, today's left open,
settled; a second load adds nothing and the figures equal a recount."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.rollups import get
from safecampus.talks import stats
from safecampus.talks.demo import load_talks_demo
from safecampus.talks.models import Talk, TalkDue

from .helpers import make_class

pytestmark = pytest.mark.django_db


def test_demo_history(monkeypatch, head_teacher, school, county_unit):
    monkeypatch.setenv("SAFECAMPUS_DEMO_TALKS", "1")
    klass = make_class(school, 3, 1, head_teacher)
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), tick=False):
        made = load_talks_demo()
        assert made > 20
        assert not Talk.objects.filter(school_class=klass, date=dt.date(2026, 11, 25)).exists()
        assert TalkDue.objects.filter(class_id=klass.pk).count() > made
        assert load_talks_demo() == 0
        rollup = get("talks")
        rollup.fold()
        assert rollup.reconcile().clean
        t = stats.read_one(county_unit)
        assert t.done == made and t.due == TalkDue.objects.filter(class_id=klass.pk).count()
        assert Talk.objects.filter(on_day=False).exists()
