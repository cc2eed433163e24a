"""Samples for the tenancy walk: demo-c1-k1-s1's demo route, a checkpoint and a round."""

from __future__ import annotations


def _route():
    from safecampus.core.models import Unit
    from safecampus.patrols.demo import load_demo_patrols
    from safecampus.patrols.models import PatrolRoute

    route = PatrolRoute.objects.filter(unit__code="demo-c1-k1-s1").first()
    if route is None:
        load_demo_patrols()
        route = PatrolRoute.objects.get(unit=Unit.objects.get(code="demo-c1-k1-s1"))
    return route


def route_id() -> int:
    return _route().pk


def checkpoint_id() -> int:
    return _route().checkpoints.order_by("order").first().pk
