"""Reading check tasks and schedules, always scoped (`Task.objects.visible_to`): a person's tasks
of a day ("mine": their post's and the ones naming them), one task (404 alike for missing and
not visible) with its items, answers and the items' open hazards from earlier checks, and a
school's schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safecampus.core.access import memberships
from safecampus.core.roles import Perm
from safecampus.hazards.models import OPEN_STATUSES
from safecampus.schoolcal.calendar import school_datetime

from .models import Answer, Schedule, ScheduleStatus, Task, TaskStatus, TemplateItem
from .taskstate import settle

LIST_STATUSES = (TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.MISSED)


def mine_q(user: Any) -> Q:
    """Tasks of the user's posts at their schools, and of schedules naming them."""
    q = Q(schedule_id__in=Schedule.assignees.through.objects.filter(user_id=user.pk).values("schedule_id"))
    for m in memberships(user, Perm.DO_CHECKS, bureau=False):
        q |= Q(unit_id=m.unit_id, schedule__post_role=m.role)
    return q


def tasks_for(
    user: Any, *, day: dt.date | None = None, mine: bool = False, status: str = ""
) -> QuerySet[Task]:
    """The tasks the user reads on `day` (all days when None), settled first (tasks past their
    closing time read as missed)."""
    qs = Task.objects.visible_to(user).filter(status__in=LIST_STATUSES)
    if day is not None:  # the day's tasks, and those of earlier days still open on it (a week allowed)
        start = school_datetime(day, dt.time(0, 0))
        qs = qs.filter(Q(day=day) | Q(day__lt=day, status=TaskStatus.OPEN, closes_at__gte=start))
    if mine:
        qs = qs.filter(mine_q(user))
    settle(qs)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("unit", "done_by").order_by("opens_at", "id")


def get_task_for(user: Any, task_id: Any) -> Task:
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise Http404 from None
    qs = Task.objects.visible_to(user).filter(pk=pk)
    if not qs.exists():
        raise Http404
    settle(qs)
    return qs.select_related("unit", "schedule__template", "version", "done_by").get()


def items_of(task: Task) -> list[TemplateItem]:
    return list(TemplateItem.objects.filter(version_id=task.version_id).order_by("order"))


def open_hazards(task: Task, items: list[TemplateItem]) -> dict[str, dict[str, Any]]:
    """For each item key: the open hazard raised by the latest earlier answer to the same item at
    the same school ({"id", "status", "task", "day"}), in one query."""
    keys = [i.key for i in items]
    found: dict[str, dict[str, Any]] = {}
    rows = (
        Answer.objects.filter(task__unit_id=task.unit_id, item__key__in=keys)
        .filter(hazard__status__in=OPEN_STATUSES)
        .exclude(task_id=task.pk)
        .filter(task__opens_at__lte=task.opens_at)  # earlier checks only, never a later one's
        .order_by("-task__opens_at", "-id")
        .values_list("item__key", "hazard_id", "hazard__status", "task_id", "task__day")
    )
    for key, hazard_id, status, task_id, day in rows[:500]:
        found.setdefault(key, {"id": hazard_id, "status": status, "task": task_id, "day": day})
    return found


def answers_of(task: Task) -> list[Answer]:
    qs = task.answers.select_related("item", "hazard").prefetch_related("photos")
    return list(qs.order_by("item__order"))


def is_overdue(task: Task, now: dt.datetime | None = None) -> bool:
    return task.status == TaskStatus.OPEN and (now or timezone.now()) > task.due_at


def schedules_of(user: Any, unit: Any, *, retired: bool = False) -> QuerySet[Schedule]:
    qs = Schedule.objects.visible_to(user).filter(unit=unit).select_related("template", "created_by")
    if not retired:
        qs = qs.exclude(status=ScheduleStatus.RETIRED)
    return qs.prefetch_related("assignees").order_by("status", "title", "id")


def get_schedule_for(user: Any, schedule_id: Any) -> Schedule:
    try:
        pk = int(schedule_id)
    except (TypeError, ValueError):
        raise Http404 from None
    found = Schedule.objects.visible_to(user).filter(pk=pk).select_related("unit", "template").first()
    if found is None:
        raise Http404
    return found
