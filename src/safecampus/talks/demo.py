"""Six weeks of 1530 records for the demo classes, through the real service (idempotent).

For every class of the demo schools of demo-c1-k1 (its head teacher recording), each school day
of the past six weeks: the talk due recorded at 16:20 that day (topic: the day's suggestion),
about one in twenty recorded the next morning (late), about one in fifteen missed. Today's talk
is left to record — `demo_teacher`'s 三年级1班 shows it open on the phone page. Each past day is
settled (`talks.settle`), so the statistics show due, done and missed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

from safecampus.core.models import Unit, UnitKind
from safecampus.core.policy import policy_for
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import SchoolClass
from safecampus.schoolcal.calendar import SCHOOL_TZ, calendar_for

from . import due, settle, topics
from .models import Talk, TalkDue
from .services import record

COUNTY = "demo-c1-k1"
HISTORY_DAYS = 42


@contextlib.contextmanager
def _clock(at: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SCHOOL_TZ)


def load_talks_demo() -> int:
    """Record the demo history (nothing again once a school has talks); returns talks recorded."""
    today = timezone.localdate()
    county = Unit.objects.filter(code=COUNTY).first()
    if county is None:
        return 0
    schools = list(Unit.objects.filter(path__startswith=county.path, kind=UnitKind.SCHOOL, is_active=True)
                   .order_by("code"))  # fmt: skip
    year = current_school_year(today)
    made = 0
    start = today - dt.timedelta(days=HISTORY_DAYS)
    for school in schools:
        if Talk.objects.filter(unit=school).exists() or TalkDue.objects.filter(unit_id=school.pk).exists():
            continue
        rnd = random.Random(f"talks-{school.code}")  # noqa: S311 (demo data)
        cal = calendar_for(school, on=today)
        policy = policy_for(school, today)
        classes = list(SchoolClass.objects.filter(unit=school, grade__school_year=year,
                                                  head_teacher__isnull=False)
                       .select_related("head_teacher", "grade", "unit"))  # fmt: skip
        day = start
        while day < today:
            expected = due.due_on(cal, day, policy)
            if expected is not None:
                topic = topics.suggested_topic(school, day, policy=policy, language="zh-hans")
                for k in classes:
                    luck = rnd.random()
                    if luck < 0.065:
                        continue  # missed
                    late = luck < 0.115
                    at = _at(day + dt.timedelta(days=1), 7, 50) if late else _at(day, 16, 20)
                    if at.date() > today or (late and at > timezone.now()):
                        at = _at(day, 16, 20)
                    with _clock(at.astimezone(dt.UTC)):
                        record(k.head_teacher, class_id=k.pk, date=day, kind=expected.kind, topic=topic,
                               minutes=expected.minutes + (1 if expected.kind == "weekend" else 0),
                               note="", client_id=str(uuid.uuid4()))  # fmt: skip
                    made += 1
            day += dt.timedelta(days=1)
    day = start
    while day < today:
        settle.settle(day, under=county)
        day += dt.timedelta(days=1)
    return made
