"""The engine's background work (Huey): folds soon after each commit and every minute, the
nightly reconcile with its drift alarm, and the rebuild of the chains a unit move changes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_noop
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from safecampus.core.signals import unit_moved

from .declare import get, registered

log = logging.getLogger("safecampus.rollups")


def after_commit(fn: Callable[[], Any]) -> None:
    """Run `fn` once the current transaction commits (the tests run it at once: their
    transaction never commits)."""
    transaction.on_commit(fn)


@db_task()
def fold_task(name: str) -> int:
    return get(name).fold()


def fold_soon(name: str) -> None:
    """After a commit that wrote deltas: fold them in about a second (one job per second at most
    from each process; the periodic job catches anything left)."""
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        get(name).fold()
    elif cache.add(f"rollups:{name}:fold", 1, timeout=1):
        fold_task.schedule(args=(name,), delay=1)


@db_periodic_task(crontab(minute="*"))
def fold_periodic() -> dict[str, int]:
    return {r.name: r.fold() for r in registered()}


def alarm(drifts: Iterable[Any]) -> int:
    """Log each drifting roll-up at ERROR and tell the platform's operators in their inbox,
    naming the roll-up and the units. Returns how many roll-ups drift."""
    from safecampus.accounts.models import User
    from safecampus.core.models import Unit
    from safecampus.inbox.models import NotificationKind
    from safecampus.inbox.services import notify

    found = 0
    today = timezone.localdate().isoformat()
    operators = list(User.objects.filter(is_superuser=True, is_active=True))
    for drift in drifts:
        if drift.clean:
            continue
        found += 1
        codes = drift.unit_codes()
        log.error(
            "roll-up %s drifts from its recount at %d unit(s): %s (missing %d, extra %d); "
            "run `safecampus rollups rebuild %s`",
            drift.rollup, len(codes), ", ".join(codes), drift.cells_missing, drift.cells_extra, drift.rollup,
        )  # fmt: skip
        place = Unit.objects.filter(pk__in=[*drift.units, *drift.facts_units]).order_by("depth").first()
        place = place or Unit.get_root_nodes().first()
        if operators and place is not None:
            notify(
                operators,
                kind=NotificationKind.MESSAGE,
                title=gettext_noop("Statistics drift: %(rollup)s"),
                body=gettext_noop(
                    "The statistics %(rollup)s differ from their recount at %(count)s unit(s): %(units)s. "
                    "Run “safecampus rollups rebuild %(rollup)s”."
                ),
                params={"rollup": drift.rollup, "count": len(codes), "units": ", ".join(codes[:50])},
                dedupe_key=f"rollup-drift:{drift.rollup}:{today}",
                unit=place,
            )
    return found


def reconcile_all(names: Iterable[str] | None = None, *, check: bool = True) -> list[Any]:
    rollups = [get(n) for n in names] if names else registered()
    return [r.reconcile(check=check) for r in rollups]


@db_periodic_task(crontab(hour="2", minute="20"))
def nightly_reconcile() -> dict[str, Any]:
    """Every night: recount every roll-up from its facts; drift raises the alarm."""
    drifts = reconcile_all()
    alarm(drifts)
    return {d.rollup: d.as_dict() for d in drifts}


@receiver(unit_moved)
def _unit_moved(sender: Any, unit: Any, old_path: str, **kwargs: Any) -> None:
    from .recount import moved

    moved(unit, old_path)
