"""What the PostgreSQL benchmarks share (bench/checks.py, bench/checks_more.py, bench/talks.py):
their database arguments, the p95 of a list of times and a timed series of GET requests."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any


def add_database_args(p: argparse.ArgumentParser, db: str) -> None:
    """--admin-url, --db (the throw-away database `db`) and --keep."""
    p.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL URL with the right to create databases ($BENCH_PG_URL)",
    )
    p.add_argument("--db", default=db, help=f"the throw-away database ({db})")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[94] if len(times) > 1 else times[0]


def timed_gets(client: Any, url: str, requests: int, *, warm: int = 2) -> tuple[list[float], Any]:
    """`warm` untimed requests, then `requests` timed ones (ms); returns the times and the last answer."""
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    times, answer = [], None
    for _ in range(requests):
        t0 = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return times, answer
