"""Checklist samples of demo-c1-k1-s1 for the tenancy walk: the demo's adapted canteen check
and a check photo (made on first use, through the service)."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.checks import photos
from safecampus.checks.models import ChecklistTemplate, CheckPhoto

from .conftest import jpeg

K1_S1 = "demo-c1-k1-s1"


def template_id() -> int:
    return ChecklistTemplate.objects.get(unit__code=K1_S1, copied_from__code="canteen_daily").pk


def check_photo_id() -> int:
    found = CheckPhoto.objects.filter(unit__code=K1_S1).first()
    if found is None:
        found, _created = photos.upload(User.objects.get(username="demo_guard"), jpeg())
    return found.pk


def task_id() -> int:
    from safecampus.checks.models import Task

    from .tasking import today_task

    found = Task.objects.filter(unit__code=K1_S1).first()
    if found is None:
        school = found_school()
        found = today_task(school, User.objects.get(username="demo_principal"), title="walk")
    return found.pk


def schedule_id() -> int:
    from safecampus.checks.models import Schedule

    task_id()
    return Schedule.objects.filter(unit__code=K1_S1).first().pk


def found_school():
    from safecampus.core.models import Unit

    return Unit.objects.get(code=K1_S1)
