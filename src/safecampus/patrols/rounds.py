"""Rounds: made from the routes' windows (idempotent: one round per route and window start),
recomputed from their scans, and lapsed once their window is over — by the periodic job and
lazily whenever rounds are read. Every function works on many rounds at once with a fixed
number of queries (the nightly job generates a province's rounds; a batch of scans touches a
few rounds)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from safecampus.core import audit
from safecampus.core.models import Unit

from . import rules, stats
from .models import Checkpoint, PatrolRound, PatrolRoute, RoundStatus, Scan

CHUNK = 2000


def window_times(route: PatrolRoute, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, due end) of each of the route's rounds on `day` (local time)."""
    tz = timezone.get_default_timezone()
    out = []
    for w in sorted(set(route.windows or [])):
        t = rules.parse_hhmm(w)
        if t is None:
            continue
        start = timezone.make_aware(dt.datetime.combine(day, t), tz)
        out.append((start, start + dt.timedelta(minutes=route.round_minutes)))
    return out


def create_for(routes: Sequence[PatrolRoute], days: Iterable[dt.date]) -> list[PatrolRound]:
    """The missing rounds of `routes` on `days`, created in bulk (the existing ones are left
    alone). Two calls racing: the unique constraint on route + window start refuses the second,
    which then reads what exists and creates only what is still missing."""
    days = sorted(set(days))
    routes = [r for r in routes if r.active]
    if not routes or not days:
        return []
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create_missing(routes, days)
        except IntegrityError:
            if attempt == 2:
                raise
    return []


def _create_missing(routes: Sequence[PatrolRoute], days: list[dt.date]) -> list[PatrolRound]:
    ids = [r.pk for r in routes]
    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(dt.datetime.combine(days[0], dt.time.min), tz)
    hi = timezone.make_aware(dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min), tz)
    existing = set(
        PatrolRound.objects.filter(route_id__in=ids, window_start__gte=lo, window_start__lt=hi).values_list(
            "route_id", "window_start"
        )
    )
    totals = dict(
        Checkpoint.objects.filter(route_id__in=ids, active=True)
        .values("route_id")
        .annotate(n=Count("id"))
        .values_list("route_id", "n")
    )
    new = []
    for route in routes:
        for day in days:
            for start, end in window_times(route, day):
                if (route.pk, start) in existing:
                    continue
                new.append(PatrolRound(
                    route=route, unit_id=route.unit_id, unit_path=route.unit_path, day=day,
                    window_start=start, due_end=end, total=totals.get(route.pk, 0),
                ))  # fmt: skip
    if new:
        PatrolRound.objects.bulk_create(new, batch_size=1000)
        stats.PATROL_ROUNDS.record(c for r in new for c in stats.contributions(r))
    return new


def ensure_rounds(target: Unit | PatrolRoute, day: dt.date) -> list[PatrolRound]:
    """The day's rounds of a route, or of every active route of a school (created when missing;
    idempotent). Returns the rounds created now."""
    if isinstance(target, PatrolRoute):
        routes = [target]
    else:
        routes = list(PatrolRoute.objects.filter(unit=target, active=True))
    return create_for(routes, [day])


def ensure_all(day: dt.date, *, chunk: int = CHUNK) -> int:
    """Every active route's rounds on `day` (the nightly job for tomorrow): a chunk of routes at a
    time, a few queries per chunk. Returns how many rounds were created."""
    made = 0
    last = 0
    while True:
        routes = list(PatrolRoute.objects.filter(active=True, pk__gt=last).order_by("pk")[:chunk])
        if not routes:
            return made
        made += len(create_for(routes, [day]))
        last = routes[-1].pk


# ------------------------------------------------------------------------------------------
# Recompute and lapse
# ------------------------------------------------------------------------------------------


def recompute(
    rounds: Sequence[PatrolRound], *, now: dt.datetime | None = None, nums: rules.Numbers | None = None
) -> list[PatrolRound]:
    """Derive each round's status and flags from its scans and write those that changed (in bulk;
    the roll-up follows). Returns the rounds whose status changed. Call inside a transaction."""
    if not rounds:
        return []
    now = now or timezone.now()
    route_ids = {r.route_id for r in rounds}
    routes = {r.pk: r for r in PatrolRoute.objects.filter(pk__in=route_ids)}
    points: dict[int, list[rules.Point]] = defaultdict(list)
    for cid, rid, order in Checkpoint.objects.filter(route_id__in=route_ids, active=True).values_list(
        "id", "route_id", "order"
    ):
        points[rid].append(rules.Point(cid, order))
    hits: dict[int, list[rules.Hit]] = defaultdict(list)
    for rid, cid, at in Scan.objects.filter(round__in=[r.pk for r in rounds]).values_list(
        "round_id", "checkpoint_id", "at"
    ):
        hits[rid].append(rules.Hit(cid, at))
    nums = nums or rules.default_numbers()
    changed, moved, changes = [], [], []
    for rnd in rounds:
        route = routes[rnd.route_id]
        minimum = (
            route.min_seconds_between if route.min_seconds_between is not None else nums.min_seconds_between
        )
        out = rules.evaluate(points=points[rnd.route_id], hits=hits[rnd.pk], due_end=rnd.due_end, now=now,
                             ordered=route.ordered, min_seconds=minimum)  # fmt: skip
        status = out.status if rules.allowed(rnd.status, out.status) else rnd.status
        new = (status, out.scanned, out.total, out.started_at, out.finished_at or rnd.finished_at, out.flags)
        old = (rnd.status, rnd.scanned, rnd.total, rnd.started_at, rnd.finished_at, rnd.flags)
        if new == old:
            continue
        before = stats.state(rnd)
        rnd.status, rnd.scanned, rnd.total, rnd.started_at, rnd.finished_at, rnd.flags = new
        changed.append(rnd)
        if before.status != rnd.status:
            moved.append(rnd)
            changes += [
                (n, k, {c: -v for c, v in counts.items()}) for n, k, counts in stats.contributions(before)
            ]
            changes += stats.contributions(rnd)
    if changed:
        PatrolRound.objects.bulk_update(
            changed, ["status", "scanned", "total", "started_at", "finished_at", "flags"], batch_size=500
        )
        stats.PATROL_ROUNDS.record(changes)
    return moved


def settle(rounds: Iterable[PatrolRound], *, now: dt.datetime | None = None) -> list[PatrolRound]:
    """Lapse the open rounds among `rounds` whose window is over (lazily, when they are read):
    recomputed and written at once, with one audit event per school."""
    now = now or timezone.now()
    due = [r for r in rounds if r.status == RoundStatus.OPEN and r.due_end < now]
    if not due:
        return []
    with transaction.atomic():
        locked = list(PatrolRound.objects.select_for_update().filter(pk__in=[r.pk for r in due],
                                                                     status=RoundStatus.OPEN))  # fmt: skip
        moved = recompute(locked, now=now)
        _audit_lapsed(moved)
    fresh = {r.pk: r for r in locked}
    for r in due:
        if r.pk in fresh:
            r.status, r.flags, r.scanned, r.total = (fresh[r.pk].status, fresh[r.pk].flags,
                                                     fresh[r.pk].scanned, fresh[r.pk].total)  # fmt: skip
    return moved


def _audit_lapsed(moved: Sequence[PatrolRound]) -> None:
    by_school: dict[int, list[PatrolRound]] = defaultdict(list)
    for r in moved:
        by_school[r.unit_id].append(r)
    if not by_school:
        return
    units = Unit.objects.in_bulk(list(by_school))
    for unit_id, items in by_school.items():
        audit.record(None, "patrol.rounds_lapsed", units[unit_id], after={
            "rounds": [r.pk for r in items], "statuses": [r.status for r in items]})  # fmt: skip


def lapse_due(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> int:
    """The periodic job: every open round past its due end becomes incomplete or missed."""
    now = now or timezone.now()
    done = 0
    while True:
        batch = list(
            PatrolRound.objects.filter(status=RoundStatus.OPEN, due_end__lt=now).order_by("pk")[:chunk]
        )
        if not batch:
            return done
        done += len(settle(batch, now=now))
        if len(batch) < chunk:
            return done


def current_round(route_rounds: Sequence[PatrolRound], now: dt.datetime, tolerance: dt.timedelta) -> Any:
    """The round whose window (± tolerance) holds `now`, preferring one whose window holds it exactly."""
    exact = [r for r in route_rounds if r.window_start <= now <= r.due_end]
    if exact:
        return exact[0]
    near = [r for r in route_rounds if r.window_start - tolerance <= now <= r.due_end + tolerance]
    return near[0] if near else None
