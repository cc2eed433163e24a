"""Scoped reads of routes, checkpoints and rounds (404 alike for missing and not yours). Rounds
read here are settled first: an open round whose window is over is lapsed as it is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.core.scoping import own_schools

from . import rounds as round_service
from . import rules
from .models import Checkpoint, PatrolRound, PatrolRoute, RoundStatus
from .perms import MANAGE, SCAN, VIEW


def routes_of(user: Any, unit: Unit) -> QuerySet[PatrolRoute]:
    return PatrolRoute.objects.visible_to(user, VIEW).filter(unit_path__startswith=unit.path)


def get_route_for(user: Any, route_id: int, perm: str = VIEW) -> PatrolRoute:
    return get_object_or_404(PatrolRoute.objects.visible_to(user, perm).select_related("unit"), pk=route_id)


def get_checkpoint_for(user: Any, checkpoint_id: int, perm: str = VIEW) -> Checkpoint:
    return get_object_or_404(
        Checkpoint.objects.visible_to(user, perm).select_related("unit", "route"), pk=checkpoint_id
    )


def get_round_for(user: Any, round_id: int) -> PatrolRound:
    rnd = get_object_or_404(
        PatrolRound.objects.visible_to(user, VIEW).select_related("route", "unit"), pk=round_id
    )
    round_service.settle([rnd])
    return rnd


def settled(rounds: list[PatrolRound]) -> list[PatrolRound]:
    round_service.settle(rounds)
    return rounds


def rounds_qs(user: Any, unit: Unit, day: dt.date) -> QuerySet[PatrolRound]:
    """The rounds of `unit`'s subtree on `day`, in window order (settle what you read)."""
    return (
        PatrolRound.objects.visible_to(user, VIEW)
        .filter(unit_path__startswith=unit.path, day=day)
        .select_related("route", "unit")
        .order_by("window_start", "unit_path", "id")
    )


def rounds_on(user: Any, unit: Unit, day: dt.date) -> list[PatrolRound]:
    """The rounds of `unit`'s subtree on `day`, in window order (lapsed as read)."""
    return settled(list(rounds_qs(user, unit, day)))


def guard_schools(user: Any) -> list[Unit]:
    return list(own_schools(user, SCAN).values())


def today_rounds_for_guard(user: Any, now: dt.datetime | None = None) -> list[PatrolRound]:
    """Today's rounds at the schools where the user scans (made now if the job has not yet)."""
    now = now or timezone.now()
    schools = guard_schools(user)
    if not schools:
        return []
    today = timezone.localdate(now)
    routes = list(PatrolRoute.objects.filter(unit__in=schools, active=True))
    round_service.create_for(routes, [today])
    qs = (
        PatrolRound.objects.filter(unit__in=schools, day=today, route__active=True)
        .select_related("route")
        .order_by("window_start", "id")
    )
    return settled(list(qs))


def open_now(rounds: list[PatrolRound], now: dt.datetime | None = None) -> list[PatrolRound]:
    """The rounds whose window holds the present moment and that are still open."""
    now = now or timezone.now()
    return [r for r in rounds if r.status == RoundStatus.OPEN and r.window_start <= now <= r.due_end]


def open_round_count(user: Any, active: Any = None) -> int:
    """Rounds open now at the reader's schools (the guard's card); no writes here."""
    schools = guard_schools(user)
    if not schools:
        return 0
    now = timezone.now()
    return PatrolRound.objects.filter(
        unit__in=schools, status=RoundStatus.OPEN, window_start__lte=now, due_end__gte=now, route__active=True
    ).count()


def incomplete_today_count(user: Any, active: Any = None) -> int:
    """Today's rounds that lapsed (incomplete or missed) at the schools the reader manages,
    counting open rounds whose window is over too (lapsed as soon as they are read)."""
    schools = list(own_schools(user, MANAGE).values())
    if not schools:
        return 0
    now = timezone.now()
    qs = PatrolRound.objects.filter(unit__in=schools, day=timezone.localdate(now))
    lapsed = qs.filter(status__in=[RoundStatus.INCOMPLETE, RoundStatus.MISSED]).count()
    return lapsed + qs.filter(status=RoundStatus.OPEN, due_end__lt=now).count()


def checkpoints_by_route(route_ids: set[int]) -> dict[int, list[Checkpoint]]:
    out: dict[int, list[Checkpoint]] = {rid: [] for rid in route_ids}
    for c in Checkpoint.objects.filter(route_id__in=route_ids, active=True).order_by("order", "id"):
        out[c.route_id].append(c)
    return out


def scanned_ids(rnd: PatrolRound) -> set[int]:
    return set(rnd.scans.values_list("checkpoint_id", flat=True))


def numbers_for(unit: Unit) -> rules.Numbers:
    return rules.numbers_for(unit)
