"""Demo patrols for demo-c1-k1-s1: a route of six checkpoints, a week of rounds (all complete but
one incomplete yesterday evening) and a round open now for demo_guard (the route gets a window
at the hour the demo is built). Past scans are written as they were made on the day; rounds are
recomputed by the same rules as live ones. Idempotent: a school with the route is left alone."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core import audit
from safecampus.core.models import Unit

from . import rounds
from .models import Checkpoint, PatrolRound, PatrolRoute, Scan

SCHOOL = "demo-c1-k1-s1"
ROUTE = "校园安全巡查"
POINTS = [
    ("校门岗亭", "南校门"),
    ("教学楼一楼大厅", "教学楼"),
    ("实验楼走廊", "实验楼二楼"),
    ("食堂后门", "食堂"),
    ("配电房", "综合楼北侧"),
    ("操场东侧围墙", "操场"),
]
FIXED_WINDOWS = ["07:00", "12:00", "17:30", "21:00"]
DAYS = 7


def load_demo_patrols(now: dt.datetime | None = None) -> PatrolRoute | None:
    school = Unit.objects.filter(code=SCHOOL).first()
    guard = User.objects.filter(username="demo_guard").first()
    safety = User.objects.filter(username="demo_safety").first()
    if school is None or guard is None or PatrolRoute.objects.filter(unit=school, name=ROUTE).exists():
        return None
    now = now or timezone.now()
    local = timezone.localtime(now)
    windows = sorted({*FIXED_WINDOWS, f"{local.hour:02d}:00"})
    with transaction.atomic():
        route = PatrolRoute(name=ROUTE, windows=windows, round_minutes=90, ordered=True)
        route.set_unit(school)
        route.save()
        audit.record(safety, "patrol.route_created", route, after=route.snapshot())
        from safecampus.risks.models import PlanArea

        areas = list(PlanArea.objects.filter(plan__unit=school).order_by("order", "id"))
        points = []
        for i, (name, location) in enumerate(POINTS, start=1):
            p = Checkpoint(route=route, order=i, name=name, location=location,
                           area=areas[(i - 1) % len(areas)] if areas else None)  # fmt: skip
            p.set_unit(school)
            points.append(p)
        Checkpoint.objects.bulk_create(points)
        today = local.date()
        rounds.create_for([route], [today - dt.timedelta(days=d) for d in range(DAYS, -1, -1)])
        past = list(PatrolRound.objects.filter(route=route, due_end__lt=now).order_by("window_start"))
        # the last round of yesterday is the incomplete one: four of six checkpoints scanned
        yesterday = [r for r in past if r.day == today - dt.timedelta(days=1)]
        short = yesterday[-1].pk if yesterday else None
        scans = []
        for rnd in past:
            walk = points[:4] if rnd.pk == short else points
            for j, p in enumerate(walk):
                at = rnd.window_start + dt.timedelta(minutes=5 + 4 * j, seconds=(rnd.pk * 7 + j * 13) % 50)
                scans.append(Scan(id=uuid.uuid4(), round=rnd, checkpoint=p, at=at, received_at=at,
                                  scanned_by=guard, unit=school, unit_path=school.path))  # fmt: skip
        Scan.objects.bulk_create(scans, batch_size=1000)
        rounds.recompute(past, now=now)
    return route
