"""The demo step: every school has its routines; demo-c1-k1-s1 has six weeks of history with done,
late, missed and failed checks (hazards raised through the real submit); demo_guard's gate check
and demo_safety's monthly check are open now."""

from __future__ import annotations

import time

from django.utils import timezone

from safecampus.checks.models import Answer, Schedule, Task, TaskStatus
from safecampus.checks.task_demo import load_tasks_demo
from safecampus.core.models import Unit


def test_demo_tasks(demo, api_client_for, guard, school):
    from safecampus.accounts.models import User

    t0 = time.perf_counter()
    load_tasks_demo()
    seconds = time.perf_counter() - t0
    schools = Unit.objects.filter(path__startswith=school.get_root().path, kind="school").count()
    assert Schedule.objects.filter(unit__kind="school").values("unit").distinct().count() == schools
    past = Task.objects.filter(unit=school, day__lt=timezone.localdate())
    assert past.filter(status=TaskStatus.DONE).count() > 50
    assert past.filter(status=TaskStatus.MISSED).exists()
    assert past.filter(status=TaskStatus.DONE, on_time=False).exists()
    assert Answer.objects.filter(task__unit=school).exclude(hazard=None).count() >= 3
    mine = api_client_for(guard).get("/api/v1/inspections/tasks", {"mine": "true", "status": "open"}).json()
    assert any("门卫" in t["title"] and not t["overdue"] for t in mine["items"])
    safety = User.objects.get(username="demo_safety")
    theirs = (
        api_client_for(safety).get("/api/v1/inspections/tasks", {"mine": "true", "status": "open"}).json()
    )
    assert any("每月安全检查" in t["title"] for t in theirs["items"])
    open_monthly = Task.objects.filter(
        unit=school,
        status="open",
        schedule__template__code="monthly_safety",
        opens_at__lte=timezone.now(),
        closes_at__gte=timezone.now(),
    )
    assert open_monthly.exists()
    load_tasks_demo()  # idempotent
    print(f"demo tasks step: {seconds:.1f} s")
