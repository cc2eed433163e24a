"""Demo routines and six weeks of check history, through the real services (idempotent).

Every demo school gets the daily gate check at arrival (the guard's post), the canteen check
before lunch (the safety office), a dormitory night check at lights-out at the junior middle
schools (boarding), the monthly safety check (day 1, a week allowed, the safety office) and a
weekly fire-safety check (Fridays at the long break). demo-c1-k1-s1, whose staff have demo
accounts, has six weeks of history: its tasks generated day by day by the generator, most
submitted with a clock frozen inside their window by demo_guard / demo_safety (about one in
twelve with a failed item, which becomes a hazard through the real submit), some left to the
miss job. Today: demo_guard has a gate round open now, demo_safety the monthly check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import uuid
from collections.abc import Iterator
from unittest import mock

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.models import Unit, UnitKind

from . import photos, schedules
from .generate import ensure_tasks, generate
from .models import ChecklistTemplate, Schedule, Task, TaskStatus, TemplateItem
from .submit import submit
from .taskstate import mark_missed

PROVINCE, SCHOOL = "demo", "demo-c1-k1-s1"
HISTORY_DAYS = 42
WEEK = 7 * 24 * 60


def _routines(school: Unit, today: dt.date) -> list[dict]:
    start = (
        (today - dt.timedelta(days=HISTORY_DAYS)).isoformat() if school.code == SCHOOL else today.isoformat()
    )
    out = [
        {
            "code": "gate_daily",
            "title": "门卫到校检查",
            "rule": {"kind": "daily", "slots": ["arrival"]},
            "post_role": "guard",
            "duration_minutes": 40,
            "grace_minutes": 30,
        },
        {
            "code": "canteen_daily",
            "title": "食堂午餐前检查",
            "rule": {"kind": "daily", "times": ["11:00"]},
            "post_role": "safety_staff",
            "duration_minutes": 50,
            "grace_minutes": 30,
        },
        {
            "code": "monthly_safety",
            "title": "每月安全检查",
            "rule": {"kind": "monthly", "day": 1, "times": ["08:30"]},
            "post_role": "safety_staff",
            "duration_minutes": WEEK,
            "grace_minutes": 0,
        },
        {
            "code": "fire_monthly",
            "title": "每周消防安全检查",
            "rule": {"kind": "weekly", "weekdays": [5], "slots": ["long_break"]},
            "post_role": "safety_staff",
            "duration_minutes": 120,
            "grace_minutes": 60,
        },
    ]
    if school.school_type == "junior":
        out.append(
            {
                "code": "dormitory_night",
                "title": "宿舍熄灯检查",
                "post_role": "staff",
                "rule": {"kind": "daily", "slots": ["lights_out"]},
                "duration_minutes": 30,
                "grace_minutes": 30,
            }
        )
    for row in out:
        row["starts_on"] = start
    return out


@contextlib.contextmanager
def _clock(at: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (190, 90, 40)).save(out, "JPEG")
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def _answers(task: Task, rnd: random.Random, photo_id: int, fail: bool) -> list[dict]:
    items = list(TemplateItem.objects.filter(version_id=task.version_id).order_by("order"))
    failing = rnd.choice(items).pk if fail else None
    rows = []
    for item in items:
        row = {"item": item.pk, "result": "pass", "note": ""}
        if item.answer_kind == "number":
            low, high = item.min_value, item.max_value
            row["value"] = float(low if low is not None else high if high is not None else 0)
        elif item.answer_kind == "text":
            row["value"] = "正常"
        if item.pk == failing:
            row.update(
                {"result": "fail", "note": f"{item.text_zh[:40]}——不符合要求，已报隐患", "photos": [photo_id]}
            )
            if item.answer_kind == "number":
                row["value"] = float((item.max_value or item.min_value or 0) + 5)
        rows.append(row)
    return rows


def _history(school: Unit, today: dt.date) -> None:
    guard = User.objects.get(username="demo_guard")
    safety = User.objects.get(username="demo_safety")
    rnd = random.Random(2026)  # noqa: S311  (demo data, not secrets)
    real_now = timezone.now()
    photo_id = photos.upload(guard, _jpeg())[0].pk
    for n in range(HISTORY_DAYS, 0, -1):
        day = today - dt.timedelta(days=n)
        generate(day, root=school)
        for task in Task.objects.filter(unit=school, day=day, status=TaskStatus.OPEN).select_related(
            "schedule__template", "unit"
        ):
            if rnd.random() < 0.08:
                continue  # never done: the miss job marks it
            actor = guard if task.schedule.post_role == "guard" else safety
            if task.closes_at > real_now:
                continue  # still open now (this month's check)
            if rnd.random() < 0.15:  # late, within the grace
                at = task.due_at + (task.closes_at - task.due_at) * rnd.random() * 0.9
            else:
                at = task.opens_at + (task.due_at - task.opens_at) * rnd.random() * 0.5
            with _clock(at):
                submit(
                    task,
                    actor=actor,
                    client_id=uuid.uuid4(),
                    answers=_answers(task, rnd, photo_id, rnd.random() < 0.08),
                )
    mark_missed(timezone.now())


def load_tasks_demo() -> None:
    root = Unit.objects.filter(code=PROVINCE).first()
    operator = User.objects.filter(username="demo_operator").first()
    if root is None or operator is None or Schedule.objects.filter(unit_path__startswith=root.path).exists():
        return
    today = timezone.localdate()
    cache.clear()
    schools = list(Unit.objects.filter(path__startswith=root.path, kind=UnitKind.SCHOOL).order_by("path"))
    for school in schools:
        for row in _routines(school, today):
            code = row.pop("code")
            template = ChecklistTemplate.objects.get(unit=root, code=code)
            schedules.create_schedule(school, actor=operator, data={"template": template.pk, **row})
    school = next((s for s in schools if s.code == SCHOOL), None)
    if school is None:
        return
    _history(school, today)
    now = timezone.localtime()
    at = (now - dt.timedelta(minutes=10)).strftime("%H:%M") if now.hour else "00:00"
    gate = ChecklistTemplate.objects.get(unit=root, code="gate_daily")
    extra = [
        {
            "template": gate.pk,
            "title": "门卫岗检查（今日加查）",
            "post_role": "guard",
            "rule": {"kind": "dates", "dates": [today.isoformat()], "times": [at], "school_days_only": False},
            "duration_minutes": 180,
            "grace_minutes": 60,
        }
    ]
    if today.day > 7:  # the month's check (day 1, a week allowed) is closed: one more for today
        monthly = ChecklistTemplate.objects.get(unit=root, code="monthly_safety")
        extra.append(
            {
                "template": monthly.pk,
                "title": "每月安全检查（补查）",
                "post_role": "safety_staff",
                "rule": {
                    "kind": "dates",
                    "dates": [today.isoformat()],
                    "times": [at],
                    "school_days_only": False,
                },
                "duration_minutes": WEEK,
                "grace_minutes": 0,
            }
        )
    for data in extra:
        schedules.create_schedule(school, actor=operator, data=data)
    cache.clear()
    ensure_tasks(school, today)
