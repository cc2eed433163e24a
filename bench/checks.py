"""Check tasks at province scale (`make bench`), on PostgreSQL.

The throw-away database `sc_bench_checks` gets a province of `--schools` schools (16,000 by
default, `safecampus bench-data`'s generator with one student a school), the checklist library
and 10 schedules a school (one row each, school-level: 160,000 at full size) firing every school
day at different slots and times. Measured:

- generating tomorrow's tasks (`checks.generate.generate`) for every school: one job, target
  < 60 s, and the second run creates 0;
- a guard's task list (`GET /api/v1/inspections/tasks?mine=true&date=…`) p50 / p95, target p95
  < 100 ms;
- submitting a 30-item check (`POST /api/v1/inspections/tasks/{id}/submit`, all passed) p50 / p95,
  target p95 < 300 ms;
- county and province check statistics p95 < 50 ms, equal to a recount, and 1,000 patrol scans in
  one batch < 2 s (bench/checks_more.py).

The table is printed and written to bench/results/checks.md.

Usage: .venv/bin/python bench/checks.py [--schools 16000 --requests 30
       --admin-url postgres://postgres@127.0.0.1:5432/postgres --db sc_bench_checks --keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT / "src"), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from bench.common import add_database_args, p95  # noqa: E402

TARGETS = {"generation_s": 60.0, "list_p95_ms": 100.0, "submit_p95_ms": 300.0}
SLOTS = ["arrival", "morning_reading", "long_break", "lunch", "noon_rest", "dismissal"]
TIMES = ["08:15", "10:30", "14:00", "15:30"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=16000, help="schools in the province (16000)")
    p.add_argument("--requests", type=int, default=30, help="timed requests per measurement (30)")
    add_database_args(p, "sc_bench_checks")
    return p.parse_args(argv)


def setup(schools: int) -> dict[str, Any]:
    from django.db import connection

    from safecampus.checks.library import load_library
    from safecampus.checks.models import ChecklistTemplate, Schedule
    from safecampus.core.models import Unit, UnitKind
    from safecampus.training_stats import benchdata

    t0 = time.perf_counter()
    province = benchdata.generate(benchdata.Shape(schools, 1), log=lambda _m: None)
    root = province.root
    load_library([root])
    templates = list(ChecklistTemplate.objects.filter(unit=root).order_by("code"))
    rows = []
    for school in Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=root.path).only("pk", "path"):
        for n in range(10):
            at = {"slots": [SLOTS[n]]} if n < len(SLOTS) else {"times": [TIMES[n - len(SLOTS)]]}
            rule = {"kind": "daily", "slots": [], "times": [], **at, "school_days_only": False}
            s = Schedule(
                template=templates[n % len(templates)],
                title=f"bench {n}",
                rule=rule,
                post_role="guard",
                duration_minutes=60,
                grace_minutes=30,
            )
            s.set_unit(school)
            rows.append(s)
    Schedule.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"root": root, "schedules": len(rows), "seconds": round(time.perf_counter() - t0, 1)}


def measure_generation(root: Any) -> dict[str, Any]:
    from django.core.cache import cache
    from django.utils import timezone

    from safecampus.checks.generate import generate

    day = timezone.localdate() + dt.timedelta(days=1)
    cache.clear()
    t0 = time.perf_counter()
    created = generate(day)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = generate(day)
    second = time.perf_counter() - t0
    return {
        "day": day,
        "created": created,
        "seconds": round(first, 1),
        "again": again,
        "again_seconds": round(second, 1),
    }


def _guard(root: Any) -> Any:
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership, Unit, UnitKind
    from safecampus.core.roles import Role

    school = Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=root.path).order_by("path").first()
    user = User.objects.create(username="bench_guard", name="bench guard")
    Membership.objects.create(user=user, unit=school, role=Role.GUARD)
    return user, school


def measure_api(root: Any, day: dt.date, requests: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from safecampus.accounts.auth import issue_token
    from safecampus.checks.generate import ensure_tasks
    from safecampus.checks.models import Schedule, Task, TemplateItem
    from safecampus.checks.services import create_template

    user, school = _guard(root)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    url = f"/api/v1/inspections/tasks?mine=true&date={day.isoformat()}"
    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    listed = r.json()["count"]

    from safecampus.accounts.models import User

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench_root", "x")
    items = [{"text_zh": f"检查项{i}", "category": "fire"} for i in range(1, 31)]
    template = create_template(
        school, actor=admin, data={"title_zh": "三十项检查", "kind": "daily"}, items=items
    )
    today = timezone.localdate()
    now = timezone.localtime()
    times_of_day = sorted({(now - dt.timedelta(minutes=m)).strftime("%H:%M") for m in range(1, requests + 3)})
    s = Schedule(
        template=template,
        title="bench 30",
        post_role="guard",
        duration_minutes=600,
        grace_minutes=60,
        rule={
            "kind": "dates",
            "dates": [today.isoformat()],
            "times": times_of_day,
            "slots": [],
            "school_days_only": False,
        },
    )
    s.set_unit(school)
    s.save()
    cache.clear()
    ensure_tasks(school, today)
    tasks = list(Task.objects.filter(schedule=s).order_by("pk"))
    item_ids = list(TemplateItem.objects.filter(version_id=tasks[0].version_id).values_list("pk", flat=True))
    answers = [{"item": i, "result": "pass"} for i in item_ids]
    sub = []
    for n, task in enumerate(tasks[: requests + 2]):
        body = {"client_id": str(uuid.uuid4()), "answers": answers}
        t0 = time.perf_counter()
        r = client.post(f"/api/v1/inspections/tasks/{task.pk}/submit", body, content_type="application/json")
        if n >= 2:
            sub.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.content
    return {
        "listed": listed,
        "list_p50_ms": round(statistics.median(times), 1),
        "list_p95_ms": round(p95(times), 1),
        "items": len(item_ids),
        "submit_p50_ms": round(statistics.median(sub), 1),
        "submit_p95_ms": round(p95(sub), 1),
        "submits": len(sub),
    }


def _bench_guard() -> Any:
    from safecampus.accounts.models import User

    return User.objects.get(username="bench_guard")


def table(schools: int, setup_info: dict, gen: dict, api: dict, more: list[str]) -> str:
    def mark(ok: bool) -> str:
        return "✓" if ok else "✗ NOT MET"

    lines = [
        "| measurement | result | target | |",
        "|---|---|---|---|",
        f"| generate tomorrow's tasks ({schools:,} schools × 10 schedules) | {gen['created']:,} tasks in "
        f"{gen['seconds']} s | < 60 s | {mark(gen['seconds'] < TARGETS['generation_s'])} |",
        f"| second run | {gen['again']} tasks in {gen['again_seconds']} s | 0 | {mark(gen['again'] == 0)} |",
        f"| guard's task list (mine, {api['listed']} tasks) | p50 {api['list_p50_ms']} / "
        f"p95 {api['list_p95_ms']} ms | p95 < 100 ms | {mark(api['list_p95_ms'] < TARGETS['list_p95_ms'])} |",
        f"| submit a {api['items']}-item check ({api['submits']} submits) | p50 {api['submit_p50_ms']} / p95 "
        f"{api['submit_p95_ms']} ms | p95 < 300 ms | "
        f"{mark(api['submit_p95_ms'] < TARGETS['submit_p95_ms'])} |",
        *more,
    ]
    return "\n".join(
        [
            *lines,
            "",
            f"setup: {setup_info['schedules']:,} schedules, province generated in "
            f"{setup_info['seconds']} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench import checks_more
    from bench.stats import database_url, drop_database, prepare_database, setup_django

    try:
        prepare_database(args.admin_url, args.db, reuse=False)
    except Exception as exc:  # any connection failure: say what is needed
        print(f"bench/checks.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="safecampus-checks-bench-"))
    try:
        setup_django(home, database_url(args.admin_url, args.db))
        print(f"{args.schools:,} schools: generating the province and schedules …", flush=True)
        info = setup(args.schools)
        gen = measure_generation(info["root"])
        api = measure_api(info["root"], gen["day"], args.requests)
        stats = checks_more.measure_stats(info["root"], gen["day"], args.requests)
        guard = _bench_guard()
        scans = checks_more.measure_scans(guard.memberships.get().unit, guard)
        text = table(args.schools, info, gen, api, checks_more.rows(stats, scans))
        header = (
            f"SafeCampus check tasks benchmark · PostgreSQL · Python {sys.version.split()[0]} · "
            f"{os.cpu_count()} CPUs · {time.strftime('%Y-%m-%d %H:%M')}"
        )
        print()
        print(header)
        print(text)
        (BENCH / "results").mkdir(exist_ok=True)
        (BENCH / "results" / "checks.md").write_text(
            f"# Check tasks\n\n{header}\n\n{text}\n", encoding="utf-8"
        )
        return 0 if "NOT MET" not in text else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)
        if not args.keep:
            drop_database(args.admin_url, args.db)


if __name__ == "__main__":
    raise SystemExit(main())
