"""The gate pass check (issue 18) under 50 concurrent gate devices, on PostgreSQL.

The throw-away database `sc_bench_gate` gets a province of `--schools` schools (the tree of
`training_stats.benchdata`), `--pupils` pupils at each of the `--gate-schools` schools with gate
devices, an approved exit pass in today's window for every one of them, and `--history` older
passes (returned, spread over every school) so the table is not empty around them. Each of the
`--devices` gate devices is a guard of one of those schools with its own Bearer token; the
devices share the schools (several gates a school).

Measured under gunicorn (the product's WSGI application, `--workers` × `--threads`), every
device a thread of its own: each device checks its passes — `POST /api/v1/gate/passes/check
{"code"}` — once to let the pupil out (records the exit) and once more when the pupil comes back
(records the return), `--think` seconds between two scans of one device (the time a guard takes
to look at the pupil and the next pass; 0 runs back to back). p50 / p95 / max of every check;
target p95 < 150 ms. Afterwards every pass is returned, each exit and return recorded once, with
its audit events.

The table is printed and written to bench/results/gate_pass.md.

Usage: .venv/bin/python bench/gate_pass.py [--schools 1000 --gate-schools 10 --devices 50
       --pupils 300 --checks 20 --think 1.0 --history 200000 --workers 4 --threads 4
       --admin-url postgres://postgres@127.0.0.1:5432/postgres --db sc_bench_gate --keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT / "src"), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from bench.common import add_database_args, p95  # noqa: E402

TARGET_P95_MS = 150.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=1000, help="schools in the province (1000)")
    p.add_argument("--gate-schools", type=int, default=10, help="schools with gate devices (10)")
    p.add_argument("--devices", type=int, default=50, help="concurrent gate devices (50)")
    p.add_argument("--pupils", type=int, default=300, help="pupils with a pass at each gate school (300)")
    p.add_argument("--checks", type=int, default=20, help="passes each device lets out and back (20)")
    p.add_argument("--think", type=float, default=1.0, help="seconds between two scans of a device (1.0)")
    p.add_argument("--history", type=int, default=200_000, help="older, returned passes (200000)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (4)")
    p.add_argument("--port", type=int, default=18792)
    add_database_args(p, "sc_bench_gate")
    return p.parse_args(argv)


def setup(args: argparse.Namespace) -> dict[str, Any]:
    """The province, the gate schools' pupils and passes, the history, the guards and their tokens."""
    from django.db import transaction
    from django.utils import timezone

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership, Unit, UnitKind
    from safecampus.core.roles import Role
    from safecampus.exits.models import ExitPass, ExitStatus, RequestedAs
    from safecampus.exits.services import new_code
    from safecampus.roster.importing import current_school_year
    from safecampus.roster.models import Grade, SchoolClass, Student
    from safecampus.training_stats import benchdata

    t0 = time.perf_counter()
    root, _ = benchdata.build_tree(benchdata.Shape(args.schools, 1))
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=root.path).order_by("path"))
    gate_schools = schools[: args.gate_schools]
    year = current_school_year()
    now = timezone.now()
    rnd = random.Random(18)
    codes: dict[int, list[str]] = {}
    with transaction.atomic():
        teacher = User.objects.create_user("bench_gate_teacher", None, name="基准班主任")
        grades = Grade.objects.bulk_create(
            [Grade(unit=s, unit_path=s.path, school_year=year, level=3, name="三年级") for s in schools]
        )
        classes = SchoolClass.objects.bulk_create(
            [
                SchoolClass(
                    unit=g.unit, unit_path=g.unit_path, grade=g, number=1, name="1班", head_teacher=teacher
                )
                for g in grades
            ]
        )
        by_school = {c.unit_id: c for c in classes}
        students = []
        for s in schools:
            n = args.pupils if s in gate_schools else 5
            students += [
                Student(
                    unit=s,
                    unit_path=s.path,
                    name=f"学生{i:04d}",
                    gender="MF"[i % 2],
                    school_class=by_school[s.pk],
                )
                for i in range(n)
            ]
        students = Student.objects.bulk_create(students, batch_size=5000)
        gate_ids = {s.pk for s in gate_schools}
        today, history = [], []
        for st in students:
            if st.unit_id in gate_ids:
                code = new_code()
                codes.setdefault(st.unit_id, []).append(code)
                today.append(
                    ExitPass(unit_id=st.unit_id, unit_path=st.unit_path, student=st, reason="看牙医",
                             code=code, status=ExitStatus.APPROVED, window_from=now - dt.timedelta(hours=1),
                             window_until=now + dt.timedelta(hours=6), requested_by=teacher,
                             requested_as=RequestedAs.HEAD_TEACHER, decided_by=teacher, decided_at=now)
                )  # fmt: skip
        for i in range(args.history):
            st = students[rnd.randrange(len(students))]
            start = now - dt.timedelta(days=rnd.randint(1, 365), hours=rnd.randint(0, 8))
            history.append(
                ExitPass(unit_id=st.unit_id, unit_path=st.unit_path, student=st, reason="家中有事",
                         code=f"H{i:09d}", status=ExitStatus.RETURNED, window_from=start,
                         window_until=start + dt.timedelta(hours=3), requested_by=teacher,
                         requested_as=RequestedAs.PARENT, decided_by=teacher, decided_at=start,
                         out_at=start + dt.timedelta(minutes=10), returned_at=start + dt.timedelta(hours=2))
            )  # fmt: skip
        ExitPass.objects.bulk_create(today + history, batch_size=5000)
    devices = []
    for d in range(args.devices):
        school = gate_schools[d % len(gate_schools)]
        guard = User.objects.create_user(f"bench_gate_{d:03d}", None, name=f"门卫{d:03d}")
        Membership.objects.create(user=guard, unit=school, role=Role.GUARD)
        devices.append({"school": school.pk, "token": issue_token(guard)})
    # Each device takes its share of its school's passes.
    per_school: dict[int, list[dict]] = {}
    for dev in devices:
        per_school.setdefault(dev["school"], []).append(dev)
    for school_id, devs in per_school.items():
        pool = codes[school_id]
        for k, dev in enumerate(devs):
            dev["codes"] = pool[k :: len(devs)][: args.checks]
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "devices": devices,
        "passes": ExitPass.objects.count(),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _env(home: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safecampus.settings",
        "DATABASE_URL": url,
        "SAFECAMPUS_HOME": str(home),
        "PYTHONPATH": str(ROOT / "src"),
        "LOG_LEVEL": "WARNING",
    }


def start_gunicorn(args: argparse.Namespace, home: Path, url: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "safecampus.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
         "--timeout", "120"],
        env=_env(home, url),
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_devices(devices: list[dict], port: int, think: float) -> dict[str, Any]:
    """Every device a thread: each code checked twice (exit, then return), `think` s apart."""
    times: list[float] = []
    answers: dict[str, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(devices))

    def device(dev: dict, seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {dev['token']}", "Content-Type": "application/json"}
        plan = [(c, "exit") for c in dev["codes"]] + [(c, "return") for c in dev["codes"]]
        start_gate.wait()
        time.sleep(rnd.uniform(0, think))  # the devices do not scan in lockstep
        for code, expected in plan:
            body = json.dumps({"code": code})
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/gate/passes/check", body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            ms = (time.perf_counter() - t0) * 1000
            got = json.loads(data) if resp.status == 200 else {}
            with lock:
                times.append(ms)
                key = f"{resp.status}:{got.get('action')}"
                answers[key] = answers.get(key, 0) + 1
                if resp.status != 200 or got.get("action") != expected:
                    errors.append(f"{code}: {resp.status} {data[:200]!r}")
            if think:
                time.sleep(rnd.uniform(0.5 * think, 1.5 * think))
        conn.close()

    threads = [threading.Thread(target=device, args=(d, i)) for i, d in enumerate(devices)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"times": times, "answers": answers, "errors": errors, "wall": wall}


def verify(devices: list[dict]) -> dict[str, Any]:
    from safecampus.core.models import AuditEvent
    from safecampus.exits.models import ExitPass, ExitStatus

    codes = [c for d in devices for c in d["codes"]]
    passes = ExitPass.objects.filter(code__in=codes)
    returned = passes.filter(
        status=ExitStatus.RETURNED, out_at__isnull=False, returned_at__isnull=False
    ).count()
    ids = [str(pk) for pk in passes.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(target_type="exits.exitpass", target_id__in=ids)
    return {
        "checked": len(codes),
        "returned": returned,
        "exit_events": events.filter(verb="exits.exit").count(),
        "return_events": events.filter(verb="exits.return").count(),
    }


def table(args: argparse.Namespace, info: dict, run: dict, ok: dict) -> str:
    times = run["times"]
    p50 = statistics.median(times) if times else 0.0
    top = p95(times) if times else 0.0
    met = top < TARGET_P95_MS and not run["errors"] and ok["returned"] == ok["checked"]
    rate = len(times) / run["wall"] if run["wall"] else 0
    rows = [
        "| measure | value |",
        "|---|---|",
        f"| gate devices (threads) | {args.devices} at {args.gate_schools} schools |",
        f"| checks | {len(times):,} ({run['answers']}) in {run['wall']:.1f} s = {rate:.0f}/s |",
        f"| think time between scans | {args.think} s (±50 %) |",
        f"| p50 | {p50:.1f} ms |",
        f"| **p95** | **{top:.1f} ms** (target < {TARGET_P95_MS:.0f} ms) {'met' if met else 'NOT MET'} |",
        f"| max | {max(times, default=0):.1f} ms |",
        f"| errors | {len(run['errors'])} |",
        f"| passes returned / checked | {ok['returned']} / {ok['checked']} |",
        f"| audit events exit / return | {ok['exit_events']} / {ok['return_events']} |",
        "",
        f"setup: {args.schools:,} schools, {info['passes']:,} passes in the table, {info['seconds']} s; "
        f"gunicorn {args.workers} workers × {args.threads} threads; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench.stats import database_url, drop_database, prepare_database, setup_django

    try:
        prepare_database(args.admin_url, args.db, reuse=False)
    except Exception as exc:  # any connection failure: say what is needed
        print(f"bench/gate_pass.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="safecampus-gate-bench-"))
    url = database_url(args.admin_url, args.db)
    proc = None
    try:
        setup_django(home, url)
        print(f"{args.schools:,} schools, {args.gate_schools} with {args.devices} gate devices: generating …",
              flush=True)  # fmt: skip
        info = setup(args)
        from django.db import connections

        connections.close_all()
        proc = start_gunicorn(args, home, url)
        print(f"{args.devices} devices checking passes …", flush=True)
        run = run_devices(info["devices"], args.port, args.think)
        ok = verify(info["devices"])
        text = table(args, info, run, ok)
        header = (
            f"SafeCampus gate pass check benchmark · PostgreSQL · Python {sys.version.split()[0]} · "
            f"{os.cpu_count()} CPUs · {time.strftime('%Y-%m-%d %H:%M')}"
        )
        print()
        print(header)
        print(text)
        if run["errors"]:
            print("first errors:", *run["errors"][:5], sep="\n  ")
        (BENCH / "results").mkdir(exist_ok=True)
        (BENCH / "results" / "gate_pass.md").write_text(
            f"# Gate pass check\n\n{header}\n\n{text}\n", encoding="utf-8"
        )
        return 0 if "NOT MET" not in text else 1
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)
        if not args.keep:
            drop_database(args.admin_url, args.db)


if __name__ == "__main__":
    raise SystemExit(main())
