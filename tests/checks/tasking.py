"""Helpers of the task tests: schedules made through the services, tasks generated for a day,
answers for every item of a task."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.cache import cache

from safecampus.accounts.models import User
from safecampus.checks import schedules
from safecampus.checks.generate import ensure_tasks, generate
from safecampus.checks.models import ChecklistTemplate, Schedule, Task, TemplateItem
from safecampus.core.models import Unit


def gate(school: Unit) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(unit=school.get_root(), code="gate_daily")


def make(unit: Unit, actor: User, *, code: str = "gate_daily", **data: Any) -> Schedule:
    template = ChecklistTemplate.objects.get(unit=unit.get_root(), code=code)
    data.setdefault("rule", {"kind": "daily", "slots": ["arrival"]})
    data.setdefault("post_role", "guard")
    return schedules.create_schedule(unit, actor=actor, data={"template": template.pk, **data})


def tasks_on(school: Unit, day: dt.date) -> list[Task]:
    cache.clear()
    generate(day, root=school)
    return list(Task.objects.filter(unit=school, day=day).order_by("opens_at"))


def today_task(school: Unit, actor: User, **data: Any) -> Task:
    """A task of `school` open now (a 'dates' rule for today at a time just past)."""
    from django.utils import timezone

    now = timezone.localtime()
    at = (now - dt.timedelta(minutes=5)).strftime("%H:%M") if now.hour or now.minute >= 5 else "00:00"
    data.setdefault("rule", {"kind": "dates", "dates": [now.date().isoformat()], "times": [at]})
    data.setdefault("duration_minutes", 120)
    schedule = make(school, actor, **data)
    cache.clear()
    ensure_tasks(school, now.date())
    return Task.objects.get(schedule=schedule, day=now.date())


def answers(task: Task, *, fail: dict[int, dict] | None = None) -> list[dict[str, Any]]:
    out = []
    for item in TemplateItem.objects.filter(version_id=task.version_id).order_by("order"):
        row: dict[str, Any] = {"item": item.pk, "result": "pass", "note": ""}
        if item.answer_kind == "number":
            low = item.min_value if item.min_value is not None else item.max_value
            row["value"] = float(low if low is not None else 0)
        elif item.answer_kind == "text":
            row["value"] = "ok"
        if fail and item.order in fail:
            row.update({"result": "fail", **fail[item.order]})
        out.append(row)
    return out


def new_id() -> str:
    return str(uuid.uuid4())
