"""(b) of the statistics benchmark: heartbeat ingestion under gunicorn against a one-UPDATE floor.

Both runs use the same gunicorn (the product's WSGI application with the bench-only URLconf of
`bench/stats_site`) and the same client harness: one thread per student, a persistent HTTP
connection each, one beat per request, beats 15 s apart in event time, every n-th request sent
twice (a retry with the same beat id). The endpoint stores each beat with one insert and queues
its crediting; a Huey consumer on Redis (as in production, at a lower CPU priority than the web
workers) credits them meanwhile, and the time it needs after the last request is reported.
Afterwards the stored beats and credits are checked against what the beats must earn, and the
statistics are reconciled with the facts.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GAP_S = 15


@dataclass
class Plan:
    """One client's requests: (path, body, beat id or None, lesson id)."""

    user_id: int
    token: str
    requests: list[tuple[str, bytes, str, int]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates_seen: int = 0


def plans_for(users: list[int], lessons: list[tuple[int, int]], beats: int, retry_every: int) -> list[Plan]:
    """Beats of each client: the first lesson until it is nearly full, then the next ones."""
    from safecampus.accounts.auth import issue_token
    from safecampus.accounts.models import User

    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=GAP_S * beats + 300)
    out = []
    for user in User.objects.filter(pk__in=users).order_by("pk"):
        plan = Plan(user.pk, issue_token(user))
        for i in range(beats):
            lesson_id = _lesson_of(i, lessons)
            beat_id = f"bench-{user.pk}-{i:05d}"
            at = (start + dt.timedelta(seconds=GAP_S * i)).isoformat()
            body = json.dumps([{"id": beat_id, "lesson": lesson_id, "position_s": 0, "at": at}]).encode()
            plan.requests.append(("/api/v1/training/heartbeats", body, beat_id, lesson_id))
            if retry_every and i % retry_every == retry_every - 1:
                plan.requests.append(("/api/v1/training/heartbeats", body, beat_id, lesson_id))
        out.append(plan)
    return out


def _lesson_of(i: int, lessons: list[tuple[int, int]]) -> int:
    for lesson_id, length in lessons:
        per_lesson = length // GAP_S
        if i < per_lesson:
            return lesson_id
        i -= per_lesson
    return lessons[-1][0]


def expected_credits(plan: Plan, lengths: dict[int, int]) -> dict[int, float]:
    """Seconds each lesson must be credited: every distinct beat after the first earns the 15 s
    since the one before (one timeline across lessons), capped at the lesson's length."""
    raw: dict[int, float] = defaultdict(float)
    seen: set[str] = set()
    for _path, _body, beat_id, lesson_id in plan.requests:
        if beat_id in seen:
            continue
        raw[lesson_id] += GAP_S if seen else 0
        seen.add(beat_id)
    return {lesson: min(seconds, float(lengths[lesson])) for lesson, seconds in raw.items()}


def run_clients(plans: list[Plan], port: int, *, floor: bool) -> dict[str, Any]:
    """Send every plan's requests, one thread per plan; requests/s over the whole run."""
    barrier = threading.Barrier(len(plans) + 1)

    def client(plan: Plan) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        auth = {"Authorization": f"Bearer {plan.token}", "Content-Type": "application/json"}
        barrier.wait()
        for path, body, beat_id, _lesson in plan.requests:
            if floor:
                path = f"/bench/floor?learner={plan.user_id}"
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body, auth)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                plan.errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            plan.latencies.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                plan.errors.append(f"{response.status} {data[:200]!r}")
                continue
            result = json.loads(data)["results"][0]
            if result["status"] != "accepted" or result["id"] != beat_id:
                plan.errors.append(f"beat {beat_id}: {result}")
            plan.duplicates_seen += bool(result.get("duplicate"))
        conn.close()

    threads = [threading.Thread(target=client, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    latencies = [x for p in plans for x in p.latencies]
    n = sum(len(p.requests) for p in plans)
    return {
        "requests": n,
        "seconds": round(seconds, 2),
        "rps": round(n / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(statistics.quantiles(latencies, n=20)[18], 2),
        "errors": sum(len(p.errors) for p in plans),
        "error_samples": [e for p in plans for e in p.errors][:5],
    }


def _env(args: Any, home: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stats_site.settings",
        "DATABASE_URL": url,
        "SAFECAMPUS_HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src")]),
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": args.redis_url,
    }


def start_consumer(args: Any, home: Path, url: str) -> subprocess.Popen:
    """The Huey consumer that credits the beats, niced below the web workers."""
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # no jobs left over from an earlier run
    return subprocess.Popen(
        ["nice", "-n", "10", sys.executable, "-m", "django", "run_huey", "--workers", "2", "--quiet"],
        env=_env(args, home, url),
    )


def wait_credited(users: list[int], timeout: float = 600) -> float:
    """Seconds until none of these learners' beats is pending any more."""
    from safecampus.training.progress_models import BeatStatus, Heartbeat

    t0 = time.perf_counter()
    while Heartbeat.objects.filter(learner_id__in=users, status=BeatStatus.PENDING).exists():
        if time.perf_counter() - t0 > timeout:
            raise SystemExit("the consumer did not credit the beats in time")
        time.sleep(0.2)
    return time.perf_counter() - t0


def start_gunicorn(args: Any, home: Path, url: str) -> subprocess.Popen:
    env = _env(args, home, url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "safecampus.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
         "--timeout", "120"],
        env=env,
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


def check_credits(plans: list[Plan], lengths: dict[int, int]) -> dict[str, Any]:
    """Stored beats and credits against what the beats must earn."""
    from django.db.models import Count, Sum

    from safecampus.training.progress_models import BeatStatus, Heartbeat, LearningDay, LessonProgress
    from safecampus.training.recount import drift

    users = [p.user_id for p in plans]
    stored = dict(
        Heartbeat.objects.filter(learner_id__in=users, status=BeatStatus.ACCEPTED)
        .values_list("learner_id")
        .annotate(n=Count("id"))
    )
    progress = {
        (r.learner_id, r.lesson_id): r.credited_s for r in LessonProgress.objects.filter(learner_id__in=users)
    }
    days = {
        (r["learner_id"], r["lesson_id"]): r["s"]
        for r in LearningDay.objects.filter(learner_id__in=users)
        .values("learner_id", "lesson_id")
        .annotate(s=Sum("credited_s"))
    }
    lost = duplicated = wrong = 0
    for plan in plans:
        beats = len({r[2] for r in plan.requests})
        lost += max(0, beats - stored.get(plan.user_id, 0))
        duplicated += max(0, stored.get(plan.user_id, 0) - beats)
        for lesson, seconds in expected_credits(plan, lengths).items():
            got = progress.get((plan.user_id, lesson), 0.0)
            on_days = days.get((plan.user_id, lesson), 0.0)
            lost += got < seconds - 1e-6
            duplicated += got > seconds + 1e-6
            wrong += abs(on_days - seconds) > 1e-6
    return {
        "lost": lost,
        "duplicated": duplicated,
        "day_mismatches": wrong,
        "rule_drift": len(drift(learners=users)),
    }


def bench_heartbeats(province: Any, args: Any, *, home: Path, url: str) -> dict[str, Any]:
    from safecampus.training.models import Lesson
    from safecampus.training_stats import recount, rollup

    basics = Lesson.objects.filter(course__campaign=province.campaign, course__key="bench-basics")
    lessons = list(basics.order_by("order").values_list("pk", "duration_s"))
    lengths = dict(lessons)
    step = max(1, len(province.accounts) // (args.clients + 2))
    users = province.accounts[::step][: args.clients + 2]
    if len(users) < args.clients + 2:
        raise SystemExit("not enough student accounts without learning: raise --accounts-per-school")
    warm = plans_for(users[:2], lessons, 10, 0)
    plans = plans_for(users[2:], lessons, args.beats, args.retry_every)
    consumer = start_consumer(args, home, url)
    proc = start_gunicorn(args, home, url)
    try:
        run_clients(warm, args.port, floor=True)
        run_clients(warm, args.port, floor=False)
        floor = run_clients(plans, args.port, floor=True)
        for p in plans:
            p.latencies, p.errors, p.duplicates_seen = [], [], 0
        beats = run_clients(plans, args.port, floor=False)
        drain_s = wait_credited([p.user_id for p in warm + plans])
    finally:
        stop_gunicorn(proc)
        stop_gunicorn(consumer)
    checks = check_credits(warm + plans, lengths)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")  # the recount groups millions of rows
    t0 = time.perf_counter()
    applied = rollup.apply_pending()
    drift = recount.reconcile()
    retries = sum(len(p.requests) - len({r[2] for r in p.requests}) for p in plans)
    return {
        "clients": len(plans),
        "beats_per_client": args.beats,
        "retried_requests": retries,
        "duplicates_answered": sum(p.duplicates_seen for p in plans),
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "floor": floor,
        "heartbeats": beats,
        "ratio": round(beats["rps"] / floor["rps"], 3),
        "credited_within_s_after_last_request": round(drain_s, 1),
        "credited_per_s": round(beats["requests"] / (beats["seconds"] + drain_s), 1),
        **checks,
        "deltas_applied": applied,
        "reconcile_clean": drift.clean,
        "reconcile": drift.as_dict(),
        "reconcile_seconds": round(time.perf_counter() - t0, 1),
        "met": beats["rps"] / floor["rps"] >= 0.5
        and drift.clean
        and not checks["lost"] + checks["duplicated"],
    }
