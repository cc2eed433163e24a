"""1530 talks at province scale (issue 17), on PostgreSQL.

The throw-away database `sc_bench_talks` gets a province of `--schools` schools (16,000 by
default, the tree of `training_stats.benchdata`) with `--classes` classes each (30: five grades
of six), no students. Measured:

- the evening settlement (`talks.settle.settle`) of a school day for every class of every
  school: 480,000 class-days at full size, target < 30 s; the second run adds 0;
- recording a talk (`POST /api/v1/talks`, a head teacher of 40 classes, one class per request)
  p50 / p95, target p95 < 150 ms;
- the province statistics (`GET /api/v1/talks/stats?unit=<province>`) p50 / p95, target p95
  < 50 ms, equal to a recount from the `TalkDue` and `Talk` rows; `reconcile` clean.

The table is printed and written to bench/results/talks.md.

Usage: .venv/bin/python bench/talks.py [--schools 16000 --classes 30 --requests 30
       --admin-url postgres://postgres@127.0.0.1:5432/postgres --db sc_bench_talks --keep]
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

from bench.common import add_database_args, p95, timed_gets  # noqa: E402

TARGETS = {"settle_s": 30.0, "record_p95_ms": 150.0, "stats_p95_ms": 50.0}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=16000, help="schools in the province (16000)")
    p.add_argument("--classes", type=int, default=30, help="classes per school (30)")
    p.add_argument("--requests", type=int, default=30, help="timed requests per measurement (30)")
    add_database_args(p, "sc_bench_talks")
    return p.parse_args(argv)


def school_day() -> dt.date:
    """Today when it is a school day of the policy calendar, else the last one before."""
    from django.utils import timezone

    from safecampus.core.models import Unit
    from safecampus.schoolcal.calendar import calendar_for

    school = Unit.objects.filter(kind="school").order_by("path").first()
    return calendar_for(school).previous_school_day(timezone.localdate())


def setup(schools: int, classes: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from safecampus.core.models import Unit, UnitKind
    from safecampus.roster.importing import current_school_year
    from safecampus.roster.models import Grade, SchoolClass
    from safecampus.training_stats import benchdata

    t0 = time.perf_counter()
    root, _schools = benchdata.build_tree(benchdata.Shape(schools, 1))
    year = current_school_year()
    per_grade = 6
    levels = max(1, (classes + per_grade - 1) // per_grade)
    units = list(Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=root.path).only("pk", "path"))
    with transaction.atomic():
        grades = []
        for u in units:
            for level in range(1, levels + 1):
                g = Grade(school_year=year, level=level, name=f"{level}年级")
                g.set_unit(u)
                grades.append(g)
        Grade.objects.bulk_create(grades, batch_size=5000)
        rows, made = [], {}
        for g in Grade.objects.filter(unit_path__startswith=root.path).order_by("unit_path", "level"):
            for n in range(1, per_grade + 1):
                if made.get(g.unit_id, 0) >= classes:
                    break
                made[g.unit_id] = made.get(g.unit_id, 0) + 1
                k = SchoolClass(grade_id=g.pk, number=n, name=f"{n}班")
                k.unit_id, k.unit_path = g.unit_id, g.unit_path
                rows.append(k)
        SchoolClass.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "root": root,
        "schools": len(units),
        "classes": len(rows),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def measure_settle(day: dt.date) -> dict[str, Any]:
    from safecampus.talks.settle import settle

    t0 = time.perf_counter()
    due = settle(day)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = settle(day)
    return {"day": day, "due": due, "seconds": round(first, 1), "again": again,
            "again_seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip


def measure_record(root: Any, day: dt.date, requests: int) -> dict[str, Any]:
    from django.test import Client

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership, Unit
    from safecampus.core.roles import Role
    from safecampus.roster.models import SchoolClass

    school = Unit.objects.filter(kind="school", path__startswith=root.path).order_by("path").first()
    user = User.objects.create(username="bench_teacher", name="基准老师")
    Membership.objects.create(user=user, unit=school, role=Role.HEAD_TEACHER)
    klasses = list(SchoolClass.objects.filter(unit=school).order_by("pk")[: requests + 2])
    SchoolClass.objects.filter(pk__in=[k.pk for k in klasses]).update(head_teacher=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    due = client.get(f"/api/v1/talks/due?class_id={klasses[0].pk}&date={day.isoformat()}").json()[0]
    times = []
    for n, k in enumerate(klasses):
        body = {"client_id": str(uuid.uuid4()), "class_id": k.pk, "date": day.isoformat(),
                "kind": due["kind"],
                "topic": due["suggested_topic"], "minutes": due["minutes"], "note": ""}  # fmt: skip
        t0 = time.perf_counter()
        r = client.post("/api/v1/talks", body, content_type="application/json")
        if n >= 2:
            times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 201, r.content
    return {
        "records": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95(times), 1),
    }


def measure_stats(root: Any, requests: int) -> dict[str, Any]:
    from django.test import Client

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.core.rollups import get
    from safecampus.talks.models import Talk, TalkDue

    rollup = get("talks")
    rollup.fold()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench_root", "x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(admin)}")
    url = f"/api/v1/talks/stats?unit={root.code}"
    times, r = timed_gets(client, url, requests)
    totals = r.json()["totals"]
    recount = {
        "due": TalkDue.objects.filter(unit_path__startswith=root.path).count(),
        "done": Talk.objects.filter(unit_path__startswith=root.path).count(),
        "on_day": Talk.objects.filter(unit_path__startswith=root.path, on_day=True).count(),
    }
    t0 = time.perf_counter()
    clean = rollup.reconcile().clean
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1), "totals": totals,
            "equal": all(totals[k] == v for k, v in recount.items()), "recount": recount,
            "reconcile_clean": clean, "reconcile_s": round(time.perf_counter() - t0, 1)}  # fmt: skip


def table(info: dict, st: dict, rec: dict, stats: dict) -> str:
    def mark(ok: bool) -> str:
        return "✓" if ok else "✗ NOT MET"

    per_school = info["classes"] // max(info["schools"], 1)
    return "\n".join([
        "| measurement | result | target | |",
        "|---|---|---|---|",
        f"| settle {st['day']} ({info['schools']:,} schools × {per_school} classes)"
        f" | {st['due']:,} class-days due in {st['seconds']} s | < 30 s"
        f" | {mark(st['seconds'] < TARGETS['settle_s'])} |",
        f"| second run | {st['again']} in {st['again_seconds']} s | 0 | {mark(st['again'] == 0)} |",
        f"| record a talk ({rec['records']} records) | p50 {rec['p50_ms']} / p95 {rec['p95_ms']} ms"
        " | p95 < 150 ms"
        f" | {mark(rec['p95_ms'] < TARGETS['record_p95_ms'])} |",
        f"| province statistics | p50 {stats['p50_ms']} / p95 {stats['p95_ms']} ms | p95 < 50 ms"
        f" | {mark(stats['p95_ms'] < TARGETS['stats_p95_ms'])} |",
        f"| equal to a recount | {stats['totals']} vs {stats['recount']} | equal | {mark(stats['equal'])} |",
        f"| reconcile (every cell vs the facts) | clean: {stats['reconcile_clean']}"
        f" in {stats['reconcile_s']} s"
        f" | clean | {mark(stats['reconcile_clean'])} |",
        "",
        f"setup: {info['classes']:,} classes generated in {info['seconds']} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench.stats import database_url, drop_database, prepare_database, setup_django

    try:
        prepare_database(args.admin_url, args.db, reuse=False)
    except Exception as exc:  # any connection failure: say what is needed
        print(f"bench/talks.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="safecampus-talks-bench-"))
    try:
        setup_django(home, database_url(args.admin_url, args.db))
        print(f"{args.schools:,} schools × {args.classes} classes: generating …", flush=True)
        info = setup(args.schools, args.classes)
        day = school_day()
        print(f"settling {day} …", flush=True)
        st = measure_settle(day)
        rec = measure_record(info["root"], day, args.requests)
        stats = measure_stats(info["root"], args.requests)
        text = table(info, st, rec, stats)
        header = (
            f"SafeCampus 1530 talks benchmark · PostgreSQL · Python {sys.version.split()[0]} · "
            f"{os.cpu_count()} CPUs · {time.strftime('%Y-%m-%d %H:%M')}"
        )
        print()
        print(header)
        print(text)
        (BENCH / "results").mkdir(exist_ok=True)
        (BENCH / "results" / "talks.md").write_text(f"# 1530 talks\n\n{header}\n\n{text}\n", encoding="utf-8")
        return 0 if "NOT MET" not in text else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)
        if not args.keep:
            drop_database(args.admin_url, args.db)


if __name__ == "__main__":
    raise SystemExit(main())
