"""The rest of issue 16's check benchmark (bench/checks.py calls these on its province):

- county and province check statistics (`GET /api/v1/inspections/stats`) p50 / p95 with the
  figures compared with a recount from the task rows (target p95 < 50 ms, equal);
- 1,000 patrol scans in one batch (`POST /api/v1/patrols/scans`), target < 2 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from typing import Any

from bench.common import p95, timed_gets

TARGETS = {"stats_p95_ms": 50.0, "scans_s": 2.0}


def _bureau_client(unit: Any, username: str, role: str) -> Any:
    from django.test import Client

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership

    user = User.objects.create(username=username, name=username)
    Membership.objects.create(user=user, unit=unit, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def _recount(unit: Any, months: tuple[int, int]) -> dict[str, int]:
    from safecampus.checks.counting import month_of
    from safecampus.checks.models import Task, TaskStatus

    settled = Task.objects.filter(
        unit_path__startswith=unit.path, status__in=[TaskStatus.DONE, TaskStatus.MISSED]
    ).only("due_at", "status", "on_time")
    out = {"due": 0, "done": 0, "missed": 0, "on_time": 0}
    for t in settled.iterator(chunk_size=5000):
        if months[0] <= month_of(t.due_at) <= months[1]:
            out["due"] += 1
            out["done" if t.status == TaskStatus.DONE else "missed"] += 1
            out["on_time"] += bool(t.on_time)
    return out


def measure_stats(root: Any, day: dt.date, requests: int) -> dict[str, Any]:
    """Settle the tasks of the province's first county (missed), then read county and province
    statistics as their bureau users; figures must equal a recount (deltas may be pending)."""
    from safecampus.checks.models import Task
    from safecampus.checks.taskstate import mark_missed
    from safecampus.core.models import Unit, UnitKind
    from safecampus.core.roles import Role

    county = Unit.objects.filter(kind=UnitKind.COUNTY, path__startswith=root.path).order_by("path").first()
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    t0 = time.perf_counter()
    missed = mark_missed(end_of_day, tasks=Task.objects.filter(unit_path__startswith=county.path, day=day))
    settle_s = time.perf_counter() - t0
    first, last = min(day, dt.date.today()), max(day, dt.date.today())
    months = (first.year * 100 + first.month, last.year * 100 + last.month)
    span = f"from={first:%Y-%m}&to={last:%Y-%m}"
    out: dict[str, Any] = {"missed": missed, "settle_s": round(settle_s, 1)}
    for name, unit, role in (("county", county, Role.SAFETY_OFFICER), ("province", root, Role.BUREAU_ADMIN)):
        client = _bureau_client(unit, f"bench_stats_{name}", role)
        url = f"/api/v1/inspections/stats?unit={unit.code}&{span}"
        times, r = timed_gets(client, url, requests)
        totals = r.json()["totals"]
        recount = _recount(unit, months)
        out[name] = {
            "p50": round(statistics.median(times), 1),
            "p95": round(p95(times), 1),
            "due": totals["due"],
            "equal": all(totals[k] == v for k, v in recount.items()),
        }
    return out


def measure_scans(school: Any, guard: Any) -> dict[str, Any]:
    """Ten routes of 100 checkpoints at the guard's school with a round open now; one batch of
    1,000 scans (one per checkpoint) through the API, then the same batch again (duplicates)."""
    from django.test import Client
    from django.utils import timezone

    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership
    from safecampus.core.roles import Role
    from safecampus.patrols import services
    from safecampus.patrols.models import Checkpoint

    manager = User.objects.create(username="bench_patrol_admin", name="bench patrol admin")
    Membership.objects.create(user=manager, unit=school, role=Role.SCHOOL_ADMIN)
    now = timezone.localtime()
    start = (now - dt.timedelta(minutes=5)).strftime("%H:%M")
    for r in range(10):
        route = services.create_route(
            school, actor=manager, data={"name": f"bench route {r}", "windows": [start], "round_minutes": 240,
                                         "ordered": False},
        )  # fmt: skip
        for n in range(100):
            services.add_checkpoint(route, actor=manager, data={"name": f"point {r}-{n}", "order": n + 1})
    codes = list(Checkpoint.objects.filter(route__unit=school).values_list("code", flat=True))
    at = timezone.now()
    batch = [
        {"id": str(uuid.uuid4()), "checkpoint": code, "at": (at + dt.timedelta(seconds=n % 60)).isoformat()}
        for n, code in enumerate(codes[:1000])
    ]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(guard)}")
    t0 = time.perf_counter()
    r = client.post("/api/v1/patrols/scans", batch, content_type="application/json")
    first = time.perf_counter() - t0
    assert r.status_code == 200, r.content[:300]
    results = r.json()
    results = results["items"] if isinstance(results, dict) else results
    t0 = time.perf_counter()
    again = client.post("/api/v1/patrols/scans", batch, content_type="application/json").json()
    again = again["items"] if isinstance(again, dict) else again
    second = time.perf_counter() - t0
    return {
        "scans": len(batch),
        "accepted": sum(1 for x in results if x["result"] == "accepted"),
        "seconds": round(first, 2),
        "duplicates": sum(1 for x in again if x["result"] == "duplicate"),
        "again_seconds": round(second, 2),
    }


def rows(stats: dict[str, Any], scans: dict[str, Any]) -> list[str]:
    def mark(ok: bool) -> str:
        return "✓" if ok else "✗ NOT MET"

    out = []
    for name in ("county", "province"):
        s = stats[name]
        ok = s["p95"] < TARGETS["stats_p95_ms"] and s["equal"]
        out.append(
            f"| {name} check statistics ({s['due']:,} due; equal to a recount: "
            f"{'yes' if s['equal'] else 'NO'}) "
            f"| p50 {s['p50']} / p95 {s['p95']} ms | p95 < 50 ms, equal | {mark(ok)} |"
        )
    ok = scans["seconds"] < TARGETS["scans_s"] and scans["accepted"] == scans["scans"]
    out.append(
        f"| {scans['scans']:,} patrol scans in one batch ({scans['accepted']:,} accepted) "
        f"| {scans['seconds']} s "
        f"| < 2 s | {mark(ok)} |"
    )
    out.append(
        f"| the same batch again ({scans['duplicates']:,} duplicates) | {scans['again_seconds']} s | "
        f"all duplicate | {mark(scans['duplicates'] == scans['scans'])} |"
    )
    return out
