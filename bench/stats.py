"""Training statistics benchmark (`make bench`), on PostgreSQL, at province scale.

A throw-away database (`safecampus_bench`, dropped afterwards unless --keep) gets a synthetic
province from `safecampus bench-data` (1,000 schools × 1,000 students = 1,000,000 learners by
default, about 70 % of them with learning facts). Then, in the same run:

(a) stats: p50/p95 over 200 requests of the province-root `GET /api/v1/training/stats` (Django's
    test client, Bearer token of the province administrator) against the same figures recounted
    naively from the facts (`bench/naive.py`, plain aggregates under the province's path
    prefix); the numbers must be identical. Targets: p95 < 50 ms, ≥ 100× faster.
(b) heartbeats: `POST /api/v1/training/heartbeats` under gunicorn, one beat per request, from
    concurrent clients (threads, each a different student with their own token, beats 15 s
    apart in event time, a few requests retried with the same beat id), against a bare Django
    view doing one UPDATE (`bench/stats_site`, bench-only URLconf) with the same client harness
    and the same gunicorn. Target: ≥ 50 % of the floor's requests/s. Afterwards: every beat
    stored once, every learner's credited seconds equal to what their beats earn, the pure-rule
    recount of `training.recount` without drift, and `stats.recount.reconcile()` clean after
    `rollup.apply_pending()`.
(c) Excel export of 20,000 rows (the "people" export of a unit) in a fresh process: seconds,
    peak memory, and the rows read back with openpyxl.

Results are printed as a table and written to bench/results/stats-<timestamp>.json.

8,000,000 learners: `--schools 8000` (about 20 minutes to generate on 2 cores and ~15 GB of
disk; raise PostgreSQL's `max_wal_size`), or generate once with
`safecampus bench-data --database-url postgres://…/safecampus_bench --schools 8000
--students-per-school 1000` and run this with `--reuse --keep`.

Usage: .venv/bin/python bench/stats.py [--schools 1000 --students-per-school 1000 --requests 200
       --clients 12 --beats 60 --workers 4 --admin-url postgres://postgres@127.0.0.1:5432/postgres
       --db safecampus_bench --reuse --keep --json PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT / "src"), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from bench.heartbeat_load import bench_heartbeats  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=1000, help="schools (1000)")
    p.add_argument("--students-per-school", type=int, default=1000, help="students per school (1000)")
    p.add_argument("--requests", type=int, default=200, help="timed stats requests (200)")
    p.add_argument("--naive-repeat", type=int, default=5, help="timed naive recounts (5)")
    p.add_argument("--clients", type=int, default=12, help="concurrent heartbeat clients (12)")
    p.add_argument("--beats", type=int, default=60, help="beats per client, one per request (60)")
    p.add_argument("--export-rows", type=int, default=20_000, help="rows of the Excel export (20000)")
    p.add_argument("--retry-every", type=int, default=10, help="resend every n-th beat once (10; 0: never)")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    p.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker (2)")
    p.add_argument("--port", type=int, default=18765)
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="queue of the crediting jobs")
    p.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL URL with the right to create databases ($BENCH_PG_URL)",
    )
    p.add_argument("--db", default="safecampus_bench", help="the throw-away database (safecampus_bench)")
    p.add_argument("--reuse", action="store_true", help="use the province already in --db (implies --keep)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--parts", default="abc", help="which measures to run (abc; e.g. b for heartbeats only)")
    p.add_argument("--json", metavar="PATH", help="results file (bench/results/stats-<timestamp>.json)")
    return p.parse_args(argv)


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + name))


def prepare_database(admin_url: str, name: str, *, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            return
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(home: Path, url: str) -> None:
    (home / "var" / "static").mkdir(parents=True, exist_ok=True)
    os.environ.update(
        SAFECAMPUS_HOME=str(home), DATABASE_URL=url, DJANGO_SETTINGS_MODULE="safecampus.settings"
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def load_province(args: argparse.Namespace) -> Any:
    from safecampus.core.models import Unit
    from safecampus.training_stats import benchdata

    if args.reuse and Unit.objects.filter(code=benchdata.ROOT_CODE).exists():
        print("reusing the benchmark province already in the database", flush=True)
        return benchdata.existing()
    print(f"generating {args.schools:,} schools × {args.students_per_school:,} students …", flush=True)
    return benchdata.generate(benchdata.Shape(args.schools, args.students_per_school))


# --------------------------------------------------------------------------- (a) stats endpoint


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] if len(samples) > 1 else samples[0]


def bench_stats(province: Any, args: argparse.Namespace) -> dict[str, Any]:
    from bench.naive import naive_figures
    from django.test import Client

    from safecampus.accounts.auth import issue_token
    from safecampus.training_stats.figures import AUDIENCES, Figures

    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(province.admin)}")
    params = {"unit": province.root.code, "campaign": province.campaign.pk}

    def call() -> dict[str, Any]:
        response = client.get("/api/v1/training/stats", params)
        if response.status_code != 200:
            raise SystemExit(f"stats endpoint answered {response.status_code}: {response.content[:300]!r}")
        return response.json()

    for _ in range(5):
        body = call()
    api_ms = []
    for _ in range(args.requests):
        t0 = time.perf_counter()
        body = call()
        api_ms.append((time.perf_counter() - t0) * 1000)

    naive_ms, naive = [], {}
    for _ in range(max(1, args.naive_repeat)):
        t0 = time.perf_counter()
        naive = naive_figures(province.root, province.campaign)
        naive_ms.append((time.perf_counter() - t0) * 1000)

    def shown(f: Figures) -> dict[str, Any]:
        data = f.as_dict()
        del data["learning_ms"]
        return data

    total, mismatches = Figures(), []
    for audience in AUDIENCES:
        expected = Figures(**naive.get(audience, {}))
        total += expected
        if body["by_audience"][audience] != shown(expected):
            mismatches.append({"audience": audience, "api": body["by_audience"][audience],
                               "naive": shown(expected)})  # fmt: skip
    if body["figures"] != shown(total):
        mismatches.append({"audience": "all", "api": body["figures"], "naive": shown(total)})
    api_p50, api_p95 = statistics.median(api_ms), percentile(api_ms, 95)
    naive_p50 = statistics.median(naive_ms)
    return {
        "requests": len(api_ms),
        "api_p50_ms": round(api_p50, 2),
        "api_p95_ms": round(api_p95, 2),
        "api_max_ms": round(max(api_ms), 2),
        "naive_runs": len(naive_ms),
        "naive_p50_ms": round(naive_p50, 1),
        "naive_p95_ms": round(percentile(naive_ms, 95), 1),
        "speedup_p50": round(naive_p50 / api_p50, 1),
        "identical": not mismatches,
        "mismatches": mismatches,
        "figures": body["figures"],
        "targets": {"api_p95_ms_below": 50, "speedup_at_least": 100},
        "met": api_p95 < 50 and naive_p50 / api_p50 >= 100 and not mismatches,
    }


# --------------------------------------------------------------------------- (c) Excel export


def bench_excel_export(province: Any, args: argparse.Namespace) -> dict[str, Any] | None:
    """(c) Excel export of 20,000 rows in ≤ 60 s and ≤ 500 MB: the "people" export of a unit
    through `safecampus.training_stats.exports`, in a fresh process (bench/export_child.py) so the peak
    memory measured is the export's own."""
    import subprocess

    done = subprocess.run(
        [sys.executable, str(BENCH / "export_child.py"), str(args.export_rows)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def report(results: dict[str, Any]) -> None:
    g, a, b, c = results["generation"], results["stats"], results["heartbeats"], results["export"]
    print()
    print(f"SafeCampus statistics benchmark · PostgreSQL {results['postgres']} · "
          f"Python {results['python']} · {results['cpus']} CPUs")  # fmt: skip
    print(f"province: {g['schools']:,} schools, {g['students']:,} students "
          f"({g['learners']:,} with learning), {g['learning_days']:,} learning days, "
          f"{g['participations']:,} participations; {g['seconds']} s to generate")  # fmt: skip
    rows = []
    if a is not None:
        rows += [
            ("(a) stats API p50 / p95", f"{a['api_p50_ms']:.2f} / {a['api_p95_ms']:.2f} ms", "p95 < 50 ms"),
            ("    naive recount p50", f"{a['naive_p50_ms']:,.1f} ms", ""),
            ("    speed-up (p50)", f"{a['speedup_p50']:,.0f}×", "≥ 100×"),
            ("    identical figures", "yes" if a["identical"] else "NO", "yes"),
        ]
    if b is not None:
        rows += [
            ("(b) floor: bare view, 1 UPDATE", f"{b['floor']['rps']:,.0f} req/s", ""),
            ("    heartbeats", f"{b['heartbeats']['rps']:,.0f} req/s", ""),
            ("    heartbeats / floor", f"{b['ratio']:.0%}", "≥ 50 %"),
            ("    all credited after last request", f"{b['credited_within_s_after_last_request']} s", ""),
            (
                "    heartbeat p50 / p95",
                f"{b['heartbeats']['p50_ms']:.1f} / {b['heartbeats']['p95_ms']:.1f} ms",
                "",
            ),
            ("    lost / duplicated credits", f"{b['lost']} / {b['duplicated']}", "0 / 0"),
            ("    reconcile after roll-up", "clean" if b["reconcile_clean"] else "DRIFT", "clean"),
        ]
    if "c" in results.get("parts", "abc"):
        rows.append(
            (
                "(c) Excel export 20,000 rows",
                "failed" if c is None else f"{c.get('seconds')} s, {c.get('peak_mb')} MB",
                "≤ 60 s, ≤ 500 MB",
            )
        )
    width = max(len(r[0]) for r in rows) + 2
    print(f"  {'measure':<{width}}{'result':>24}  target")
    print("  " + "-" * (width + 40))
    for name, value, target in rows:
        print(f"  {name:<{width}}{value:>24}  {target}")
    print(f"total {results['total_seconds']} s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    keep = args.keep or args.reuse
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="safecampus-stats-bench-"))
    url = database_url(args.admin_url, args.db)
    try:
        prepare_database(args.admin_url, args.db, reuse=args.reuse)
    except Exception as exc:  # any connection failure: say what is needed
        print(f"bench/stats.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
        return 2
    try:
        setup_django(home, url)
        from django.db import connection

        t0 = time.perf_counter()
        province = load_province(args)
        generation = {**province.summary(), "seconds": round(time.perf_counter() - t0, 1)}
        stats = heartbeats = export = None
        if "a" in args.parts:
            print("(a) stats endpoint vs naive recount …", flush=True)
            stats = bench_stats(province, args)
        if "b" in args.parts:
            print("(b) heartbeats under gunicorn vs the floor …", flush=True)
            heartbeats = bench_heartbeats(province, args, home=home, url=url)
        if "c" in args.parts:
            export = bench_excel_export(province, args)
        results = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "postgres": connection.cursor().connection.info.parameter_status("server_version"),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "generation": generation,
            "stats": stats,
            "heartbeats": heartbeats,
            "export": export,
            "parts": args.parts,
            "total_seconds": round(time.perf_counter() - started, 1),
        }
        report(results)
        path = (
            Path(args.json)
            if args.json
            else BENCH / "results" / f"stats-{time.strftime('%Y%m%d-%H%M%S')}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"results written to {path}")
        ok = stats is None or stats["identical"]
        if heartbeats is not None:
            ok = ok and not heartbeats["lost"] + heartbeats["duplicated"] and heartbeats["reconcile_clean"]
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)
        if keep:
            print(f"kept the benchmark database {args.db}")
        else:
            drop_database(args.admin_url, args.db)


if __name__ == "__main__":
    raise SystemExit(main())
