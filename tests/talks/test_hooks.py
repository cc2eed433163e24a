"""The other duties apps reach the 1530 talks through the talks app's hooks, end to end through
their own services: a teacher on a duty shift at the school (duty app) may record a class's talk
that is not hers and sees it on her page, one without a shift may not (nothing written); the
school's published term plan's month theme (termplan) is the suggested topic."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from safecampus.accounts.models import User
from safecampus.core.errors import Invalid
from safecampus.duty import services as duty_services
from safecampus.duty.cover import on_duty_for_class
from safecampus.talks import cover, queries, services, topics
from safecampus.talks.models import Talk
from safecampus.termplan import services as plan_services
from safecampus.termplan.queries import theme_for

from .helpers import make_class

pytestmark = pytest.mark.django_db

# Wednesday 14 October 2026, 10:00 in Shanghai: a daily talk is due.
NOW = dt.datetime(2026, 10, 14, 2, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 10, 14)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def klass(school, head_teacher):
    return make_class(school, 3, 1, head_teacher)


def test_duty_hooks_are_registered():
    assert on_duty_for_class in cover._RULES
    assert theme_for in topics._SOURCES


def test_teacher_on_duty_records_a_class_not_hers(school, principal, safety, guard, klass):
    assert not cover.may_record(safety, klass, DAY)
    with pytest.raises(Invalid) as exc:  # no shift yet: refused, nothing written
        services.record(safety, class_id=klass.pk, topic="交通安全", minutes=1)
    assert exc.value.field == "class_id"
    assert klass not in queries.recordable_classes(safety, DAY)
    duty_services.create_shift(school, actor=principal, kind="duty", slot="day", date=DAY.isoformat(),
                               person=safety.pk)  # fmt: skip
    duty_services.create_shift(school, actor=principal, kind="gate", slot="arrival", date=DAY.isoformat(),
                               person=guard.pk)  # fmt: skip
    assert not Talk.objects.exists()
    # A gate post is no duty shift: the guard still may not.
    with pytest.raises(Invalid):
        services.record(guard, class_id=klass.pk, topic="交通安全", minutes=1)
    # The teacher on duty today sees the class on her page and records its talk.
    assert klass in queries.recordable_classes(safety, DAY)
    talk, created = services.record(safety, class_id=klass.pk, topic="交通安全", minutes=1)
    assert created and talk.recorded_by == safety and talk.school_class == klass
    # The cover lasts the shift's day only.
    tomorrow = DAY + dt.timedelta(days=1)
    assert not cover.may_record(safety, klass, tomorrow)
    assert klass not in queries.recordable_classes(safety, tomorrow)


def test_plan_theme_is_the_suggested_topic(school, principal, klass, head_teacher):
    before = queries.due_for([klass], DAY)[0].suggested_topic
    plan = plan_services.create_plan(school, actor=principal)
    assert queries.due_for([klass], DAY)[0].suggested_topic == before  # a draft plan suggests nothing
    plan_services.set_plan_status(plan, actor=principal, action="publish")
    theme = plan.themes.get(month=202610)
    with translation.override("zh-hans"):
        suggested = queries.due_for([klass], DAY)[0].suggested_topic
        assert suggested == theme_for(school, DAY) == theme.text
    assert suggested != before
    plan_services.update_theme(theme, actor=principal, data={"theme": "消防安全月"})
    assert queries.due_for([klass], DAY)[0].suggested_topic == "消防安全月"


def test_covered_classes_are_folded_and_not_counted_as_hers(school, principal, head_teacher, klass):
    """A head teacher on duty sees her own class first and the classes she covers folded away;
    her "today" card counts only her own class (the others' head teachers record theirs)."""
    from django.test import Client

    from safecampus.talks import today_cards

    other = make_class(school, 3, 2, principal)
    duty_services.create_shift(school, actor=principal, kind="duty", slot="day", date=DAY.isoformat(),
                               person=head_teacher.pk)  # fmt: skip
    assert {klass, other} <= set(queries.recordable_classes(head_teacher, DAY))
    assert today_cards.open_today(head_teacher, None) == 1
    web = Client()
    web.force_login(head_teacher)
    page = web.get("/talks/").content.decode()
    assert f'id="talk-{klass.pk}"' in page and f'id="talk-{other.pk}"' in page
    assert (
        page.index(f'id="talk-{klass.pk}"') < page.index('id="covered"') < page.index(f'id="talk-{other.pk}"')
    )
    assert 'id="covered" open' not in page  # folded: her own class comes first
