"""The three-100% board at province scale (issue 18), on PostgreSQL.

The throw-away database `sc_bench_three100` gets a province of `--schools` schools (16,000 by
default, the tree of `training_stats.benchdata`), each with a `Three100Fact` row whose
indicators are drawn at random (bulk-created: the board reads the facts, however they were
derived), the roll-up rebuilt from them, then `--changes` schools changed through
`defence.facts` (deltas left pending, not folded). Measured:

- the province board (`GET /api/v1/security/three100?unit=<province>`) p50 / p95, target
  p95 < 50 ms, equal to a recount from the fact rows;
- the province's children (`GET /api/v1/security/three100/children?unit=<province>`) p50 / p95;
- reconcile of the cells against the facts (after folding), clean.

The table is printed and written to bench/results/three100.md.

Usage: .venv/bin/python bench/three100.py [--schools 16000 --changes 200 --requests 30
       --admin-url postgres://postgres@127.0.0.1:5432/postgres --db sc_bench_three100 --keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
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

from bench.common import add_database_args, p95, timed_gets  # noqa: E402

TARGET_MS = 50.0
INDICATORS = ("closed_management", "alarm_networked", "video_networked", "guards_staffed")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--schools", type=int, default=16000, help="schools in the province (16000)")
    p.add_argument("--changes", type=int, default=200, help="schools changed after the rebuild (200)")
    p.add_argument("--requests", type=int, default=30, help="timed requests per measurement (30)")
    add_database_args(p, "sc_bench_three100")
    return p.parse_args(argv)


def _values(rng: random.Random) -> dict[str, bool]:
    out = {k: rng.random() < 0.8 for k in INDICATORS}
    out["all_three"] = all(out.values())
    return out


def setup(schools: int, changes: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from safecampus.core.models import Unit, UnitKind
    from safecampus.defence import facts
    from safecampus.defence.models import Three100Fact
    from safecampus.defence.rollup import THREE100
    from safecampus.training_stats import benchdata

    t0 = time.perf_counter()
    rng = random.Random(18)
    root, _schools = benchdata.build_tree(benchdata.Shape(schools, 1))
    units = list(Unit.objects.filter(kind=UnitKind.SCHOOL, path__startswith=root.path).only("pk", "path"))
    rows = []
    for u in units:
        f = Three100Fact(**_values(rng))
        f.unit_id, f.unit_path = u.pk, u.path
        rows.append(f)
    Three100Fact.objects.bulk_create(rows, batch_size=5000)
    THREE100.rebuild()
    with transaction.atomic():
        for u in rng.sample(units, min(changes, len(units))):
            facts._store(Unit.objects.get(pk=u.pk), _values(rng))  # deltas, left pending
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"root": root, "schools": len(units), "seconds": round(time.perf_counter() - t0, 1)}


def measure(root: Any, requests: int) -> dict[str, Any]:
    from django.test import Client

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.defence import board
    from safecampus.defence.models import Three100Delta
    from safecampus.defence.rollup import THREE100

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench_root", "x")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(admin)}")
    pending = Three100Delta.objects.count()
    times, r = timed_gets(client, f"/api/v1/security/three100?unit={root.code}", requests)
    got = r.json()
    recount = board.recount(root)
    kids, _r = timed_gets(client, f"/api/v1/security/three100/children?unit={root.code}", requests)
    THREE100.fold()
    t0 = time.perf_counter()
    clean = THREE100.reconcile(check=False).clean
    return {
        "pending": pending,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95(times), 1),
        "children_p50_ms": round(statistics.median(kids), 1),
        "children_p95_ms": round(p95(kids), 1),
        "board": got,
        "equal": got == recount,
        "reconcile_clean": clean,
        "reconcile_s": round(time.perf_counter() - t0, 1),
    }


def table(info: dict, m: dict) -> str:
    def mark(ok: bool) -> str:
        return "✓" if ok else "✗ NOT MET"

    b = m["board"]
    figures = ", ".join(f"{k} {b[k]:,}" for k in (*INDICATORS, "all_three"))
    return "\n".join([
        "| measurement | result | target | |",
        "|---|---|---|---|",
        f"| province board ({info['schools']:,} schools, {m['pending']} deltas pending)"
        f" | p50 {m['p50_ms']} / p95 {m['p95_ms']} ms | p95 < 50 ms | {mark(m['p95_ms'] < TARGET_MS)} |",
        f"| province's children | p50 {m['children_p50_ms']} / p95 {m['children_p95_ms']} ms | — | |",
        f"| equal to a recount of the fact rows | {b['schools']:,} schools: {figures} | equal"
        f" | {mark(m['equal'])} |",
        f"| reconcile (every cell vs the facts) | clean: {m['reconcile_clean']} in {m['reconcile_s']} s"
        f" | clean | {mark(m['reconcile_clean'])} |",
        "",
        f"setup: {info['schools']:,} schools and their facts in {info['seconds']} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench.stats import database_url, drop_database, prepare_database, setup_django

    try:
        prepare_database(args.admin_url, args.db, reuse=False)
    except Exception as exc:  # any connection failure: say what is needed
        print(f"bench/three100.py needs PostgreSQL ({args.admin_url}): {exc}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="safecampus-three100-bench-"))
    try:
        setup_django(home, database_url(args.admin_url, args.db))
        print(f"{args.schools:,} schools: generating …", flush=True)
        info = setup(args.schools, args.changes)
        m = measure(info["root"], args.requests)
        text = table(info, m)
        header = (
            f"SafeCampus three-100% board benchmark · PostgreSQL · Python {sys.version.split()[0]} · "
            f"{os.cpu_count()} CPUs · {time.strftime('%Y-%m-%d %H:%M')}"
        )
        print()
        print(header)
        print(text)
        (BENCH / "results").mkdir(exist_ok=True)
        (BENCH / "results" / "three100.md").write_text(
            f"# Three 100%\n\n{header}\n\n{text}\n", encoding="utf-8"
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
