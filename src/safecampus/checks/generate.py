"""Turning schedules into tasks (检查任务): `generate(day)` for every school (the nightly job makes
tomorrow's), `ensure_tasks(school, day)` for one school (pages and the API call it lazily for
today, so a schedule made this morning has its task at once).

For each chunk of active schools (2,000 at a time): the chunk's calendars (`calendars_for`, a
handful of queries), its schools' own active schedules (one query), the area schedules of the
bureaus above them (loaded once), the tasks already there that day (one query); each schedule's
occurrences on that day on the school's calendar become tasks — opens at the occurrence, due
`duration_minutes` later, accepted until `grace_minutes` after that — written with one
`bulk_create(ignore_conflicts=True)` on the once-per-occurrence constraint. A second run
creates nothing. A task points at its checklist's current version at generation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from safecampus.core.models import Unit, UnitKind
from safecampus.schoolcal.calendar import SchoolCalendar, calendars_for
from safecampus.schoolcal.recurrence import occurrences

from . import counting
from .models import Schedule, ScheduleStatus, Task, TaskStatus, TemplateStatus
from .schedules import ensured_key

CHUNK = 2000
ENSURED_SECONDS = 300


@dataclass(frozen=True)
class Plan:
    """What generation needs of a schedule (read as values: no model instances per row)."""

    id: int
    unit_id: int
    unit_path: str
    title: str
    rule: Any
    version_id: int
    duration: dt.timedelta
    grace: dt.timedelta

    @property
    def rule_key(self) -> str:
        return json.dumps(self.rule, sort_keys=True)


FIELDS = (
    "id",
    "unit_id",
    "unit_path",
    "title",
    "rule",
    "template__current_version_id",
    "duration_minutes",
    "grace_minutes",
)


def _live(day: dt.date) -> Q:
    return (
        Q(status=ScheduleStatus.ACTIVE, template__status=TemplateStatus.ACTIVE)
        & Q(template__current_version__isnull=False)
        & (Q(starts_on__isnull=True) | Q(starts_on__lte=day))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    )


def _plans(qs: Any) -> list[Plan]:
    return [
        Plan(pk, unit_id, path, title, rule, version, dt.timedelta(minutes=d), dt.timedelta(minutes=g))
        for pk, unit_id, path, title, rule, version, d, g in qs.values_list(*FIELDS)
    ]


def _tasks_for(
    school: Unit,
    cal: SchoolCalendar,
    plans: list[Plan],
    day: dt.date,
    have: set[tuple[int, dt.datetime]],
    memo: dict[tuple, list[dt.datetime]],
) -> list[Task]:
    out = []
    # Schools whose calendars share their years and slots share the occurrences of a rule.
    shape = (tuple(id(y) for y in cal.years.values()), tuple(cal.slots()))
    for plan in plans:
        key = (plan.rule_key, shape)
        if key not in memo:
            memo[key] = occurrences(plan.rule, cal, day, day)
        for at in memo[key]:
            if (plan.id, at) in have:
                continue
            due = at + plan.duration
            out.append(
                Task(
                    unit_id=school.pk,
                    unit_path=school.path,
                    schedule_id=plan.id,
                    version_id=plan.version_id,
                    title=plan.title,
                    day=day,
                    opens_at=at,
                    due_at=due,
                    closes_at=due + plan.grace,
                    status=TaskStatus.OPEN,
                )
            )
    return out


def _area_plans(day: dt.date) -> list[Plan]:
    return _plans(Schedule.objects.filter(_live(day), for_area=True))


def _generate_chunk(schools: list[Unit], day: dt.date, area: list[Plan]) -> list[Task]:
    ids = [s.pk for s in schools]
    cals = calendars_for(schools, on=day)
    own: dict[int, list[Plan]] = defaultdict(list)
    for plan in _plans(Schedule.objects.filter(_live(day), for_area=False, unit_id__in=ids)):
        own[plan.unit_id].append(plan)
    have: dict[int, set[tuple[int, dt.datetime]]] = defaultdict(set)
    for unit_id, schedule_id, at in Task.objects.filter(unit_id__in=ids, day=day).values_list(
        "unit_id", "schedule_id", "opens_at"
    ):
        have[unit_id].add((schedule_id, at))
    new: list[Task] = []
    memo: dict[tuple, list[dt.datetime]] = {}
    for school in schools:
        plans = own.get(school.pk, []) + [p for p in area if school.path.startswith(p.unit_path)]
        if plans:
            new += _tasks_for(school, cals[school.pk], plans, day, have[school.pk], memo)
    if new:
        Task.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        counting.changed_many((None, task) for task in new)  # open tasks count once settled
    return new


def _schools(root: Unit | None = None) -> Any:
    qs = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    return qs.order_by("path")


def generate(day: dt.date, *, root: Unit | None = None) -> int:
    """Make the tasks of `day` for every active school (under `root` when given). Returns how
    many tasks were created (0 on a second run)."""
    area = _area_plans(day)
    created = 0
    last = ""
    schools = _schools(root).only("pk", "path", "depth", "kind", "code", "name")
    while True:
        chunk = list(schools.filter(path__gt=last)[:CHUNK])
        if not chunk:
            break
        created += len(_generate_chunk(chunk, day, area))
        last = chunk[-1].path
        for school in chunk:
            cache.set(ensured_key(school.pk, day), True, ENSURED_SECONDS)
    return created


def ensure_tasks(school: Unit, day: dt.date | None = None) -> int:
    """Make one school's tasks of `day` (today) if they are not there yet; cheap when they are
    (a cache mark, cleared when the school's schedules change). Returns how many were created."""
    if school.kind != UnitKind.SCHOOL or not school.is_active:
        return 0
    day = day or timezone.localdate()
    key = ensured_key(school.pk, day)
    if cache.get(key):
        return 0
    area = [p for p in _area_plans(day) if school.path.startswith(p.unit_path)]
    made = len(_generate_chunk([school], day, area))
    cache.set(key, True, ENSURED_SECONDS)
    return made


def ensure_for_user(user: Any, day: dt.date | None = None) -> None:
    """Before a person's task list: their schools' tasks of the day exist."""
    from safecampus.core.access import memberships
    from safecampus.core.roles import Perm

    for m in memberships(user, Perm.DO_CHECKS, bureau=False):
        ensure_tasks(m.unit, day)
