"""Bureau pages at province scale (`make bench`), on PostgreSQL: p50/p95 and queries per page.

For each size (1,000 and 16,000 schools by default) the throw-away database `sc_bench_pages` is
filled by `safecampus bench-data` (the roster with a few students a school, their learning
facts and statistics) plus hazards, risk points, letters and listings at realistic density
(`--hazards-per-school 6`, 12 risk points a school, 10 letters a county: `demo.benchpages`).
Then, signed in as the province administrator, a city administrator and a county safety
officer, each page is requested `--requests` times through Django's test client (after two
warm-up requests) and once more counting its SQL queries:

    home /, hazard hub /hazards/, hazard ledger /hazards/units/<unit>/, risk overview
    /risks/units/<unit>/, supervision overview /supervision/units/<unit>/, training statistics
    /training/stats/, hazard statistics /hazards/stats/

Target: p95 < 150 ms for every page, and the number of queries of a page the same at both sizes
(independent of the number of schools). Each size runs in its own process (`--child`). The table
is printed, written to bench/results/pages.md and the numbers to bench/results/pages-<ts>.json.

Usage: .venv/bin/python bench/pages.py [--sizes 1000,16000 --students-per-school 10 --requests 30
       --admin-url postgres://postgres@127.0.0.1:5432/postgres --db sc_bench_pages --keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for p in (str(ROOT / "src"), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

TARGET_P95_MS = 150
PAGES = [
    ("home", "/"),
    ("hazard hub", "/hazards/"),
    ("hazard ledger", "/hazards/units/{unit}/"),
    ("risk overview", "/risks/units/{unit}/"),
    ("supervision overview", "/supervision/units/{unit}/"),
    ("training statistics", "/training/stats/"),
    ("hazard statistics", "/hazards/stats/"),
]
USERS = [("province", "bench_admin"), ("city", "bench_city"), ("county", "bench_county")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,16000", help="schools in each run, comma-separated (1000,16000)")
    p.add_argument("--students-per-school", type=int, default=10, help="students per school (10)")
    p.add_argument("--hazards-per-school", type=int, default=6, help="hazards per school (6)")
    p.add_argument("--requests", type=int, default=30, help="timed requests per page and user (30)")
    p.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL URL with the right to create databases ($BENCH_PG_URL)",
    )
    p.add_argument("--db", default="sc_bench_pages", help="the throw-away database (sc_bench_pages)")
    p.add_argument("--keep", action="store_true", help="keep the last size's database")
    p.add_argument("--json", metavar="PATH", help="results file (bench/results/pages-<timestamp>.json)")
    p.add_argument("--child", type=int, metavar="SCHOOLS", help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --------------------------------------------------------------------------- one size (child)


def generate(schools: int, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from safecampus.demo.benchpages import Density, generate_pages_data
    from safecampus.training_stats import benchdata

    t0 = time.perf_counter()
    province = benchdata.generate(benchdata.Shape(schools, args.students_per_school), log=lambda _m: None)
    counts = generate_pages_data(province.root, Density(hazards_per_school=args.hazards_per_school),
                                 log=lambda _m: None)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"schools": schools, "students": province.counts.get("students", 0), **counts,
            "seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client

    from safecampus.accounts.models import User

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)  # request_started resets connection.queries: count with a wrapper
        return execute(sql, params, many, context)

    rows = []
    for level, username in USERS:
        user = User.objects.get(username=username)
        unit = user.memberships.get().unit
        client = Client()
        client.force_login(user)
        for name, pattern in PAGES:
            url = pattern.format(unit=unit.pk)
            for _ in range(2):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{level} {url} answered {response.status_code}")
            executed.clear()
            with connection.execute_wrapper(count):
                client.get(url)
            queries = list(executed)
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            p95 = statistics.quantiles(times, n=100, method="inclusive")[94] if len(times) > 1 else times[0]
            rows.append({"user": level, "page": name, "url": url, "queries": len(queries),
                         "bytes": len(response.content), "p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(p95, 1)})  # fmt: skip
    return rows


def child(args: argparse.Namespace) -> int:
    from bench.stats import database_url, setup_django

    home = Path(tempfile.mkdtemp(prefix="safecampus-pages-bench-"))
    try:
        setup_django(home, database_url(args.admin_url, args.db))
        from django.conf import settings

        # no collectstatic in a throw-away home: plain static URLs (the manifest is a dict lookup)
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        generation = generate(args.child, args)
        load_before = os.getloadavg()[0]
        pages = measure(args)
        load = [round(load_before, 1), round(os.getloadavg()[0], 1)]  # the machine is shared
        print(json.dumps({"generation": generation, "pages": pages, "load": load}, ensure_ascii=False))
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(home, ignore_errors=True)


# --------------------------------------------------------------------------- report


def table(runs: list[dict[str, Any]]) -> str:
    sizes = [r["generation"]["schools"] for r in runs]
    head = "| user | page | " + " | ".join(f"{s:,} schools p50 / p95 ms" for s in sizes)
    head += " | queries (" + " / ".join(f"{s:,}" for s in sizes) + ") |"
    lines = [head, "|" + "---|" * (3 + len(sizes))]
    failures = []
    for i, row in enumerate(runs[0]["pages"]):
        cells = []
        for run in runs:
            r = run["pages"][i]
            mark = "" if r["p95_ms"] < TARGET_P95_MS else " ✗"
            cells.append(f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f}{mark}")
            if r["p95_ms"] >= TARGET_P95_MS:
                failures.append(
                    f"{r['user']} {r['page']} p95 {r['p95_ms']} ms at {run['generation']['schools']}"
                )
        counts = [run["pages"][i]["queries"] for run in runs]
        same = "" if len(set(counts)) == 1 else " ✗"
        if same:
            failures.append(f"{row['user']} {row['page']} queries {counts}")
        lines.append(f"| {row['user']} | {row['page']} | " + " | ".join(cells)
                     + " | " + " / ".join(map(str, counts)) + same + " |")  # fmt: skip
    gen = "; ".join(
        f"{g['schools']:,} schools: {g['students']:,} students, {g['hazards']:,} hazards "
        f"({g['open_hazards']:,} open), {g['risk_points']:,} risk points, {g['letters']:,} letters, "
        f"{g['listings']:,} listings, generated in {g['seconds']} s; load average while measuring "
        f"{r['load'][0]} → {r['load'][1]} on {os.cpu_count()} CPUs"
        for r in runs
        for g in [r["generation"]]
    )
    verdict = (
        "all pages p95 < 150 ms, queries independent of the number of schools"
        if not failures
        else ("NOT MET: " + "; ".join(failures))
    )
    return "\n".join([*lines, "", gen, "", verdict])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    from bench.stats import drop_database, prepare_database

    started = time.perf_counter()
    runs = []
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    for n, schools in enumerate(sizes):
        try:
            prepare_database(args.admin_url, args.db, reuse=False)
        except Exception as exc:  # any connection failure: say what is needed
            print(f"bench/pages.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
            return 2
        print(f"{schools:,} schools: generating and measuring …", flush=True)
        cmd = [sys.executable, __file__, "--child", str(schools), "--db", args.db, "--admin-url",
               args.admin_url, "--students-per-school", str(args.students_per_school),
               "--requests", str(args.requests),
               "--hazards-per-school", str(args.hazards_per_school)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if not (args.keep and n == len(sizes) - 1):
            drop_database(args.admin_url, args.db)
    text = table(runs)
    header = (f"SafeCampus bureau pages benchmark · PostgreSQL · Python {sys.version.split()[0]} · "
              f"{os.cpu_count()} CPUs · {time.strftime('%Y-%m-%d %H:%M')} · "
              f"{args.requests} requests per page and user")  # fmt: skip
    print()
    print(header)
    print(text)
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "pages.md").write_text(f"# Bureau pages\n\n{header}\n\n{text}\n", encoding="utf-8")
    path = (
        Path(args.json) if args.json else BENCH / "results" / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )
    path.write_text(json.dumps({"runs": runs, "seconds": round(time.perf_counter() - started, 1)},
                               ensure_ascii=False, indent=2), encoding="utf-8")  # fmt: skip
    print(f"results written to {path} and bench/results/pages.md")
    return 0 if "NOT MET" not in text else 1


if __name__ == "__main__":
    raise SystemExit(main())
