"""The fire-equipment statistics (`fire_devices`), declared with the core roll-up engine.

Two kinds of fact count here (see `stats_models` for the keys and counters): a device in service
counts in month 0 (`devices`, and `failed` while its last check failed), and each check counts
in its own month (`checks`, `checked` for the device's first check of the month, `failures`).
Services call `device_changed(before, after)` with `state(device)` taken before the change, and
`check_recorded(check)` once per new check, inside their transaction. `facts` is the
independent recount behind reconcile and rebuild.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Value

from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, FireCell, FireDelta

NOW = 0  # the month key of what the register holds now

_DEVICE_FIELDS = ("unit_id", "unit_path", "type", "state", "failed")


def state(device: Any) -> SimpleNamespace:
    """What a device counts by, as it is now (take it before changing the device)."""
    return SimpleNamespace(kind="device", **{k: getattr(device, k) for k in _DEVICE_FIELDS})


def contributions(fact: Any) -> list[Change]:
    from .models import DeviceCheck, State

    node = Node(fact.unit_id, fact.unit_path)
    if isinstance(fact, DeviceCheck):
        return [
            (
                node,
                (fact.month, fact.type),
                {
                    "checks": 1,
                    "checked": int(fact.first_in_month),
                    "failures": int(fact.result == "fail"),
                },
            )
        ]
    if fact.state != State.IN_SERVICE:
        return []
    return [(node, (NOW, fact.type), {"devices": 1, "failed": int(bool(fact.failed))})]


def facts(under: str | None) -> list[QuerySet]:
    from .models import DeviceCheck, FireDevice, Result, State

    zero = Value(0, output_field=IntegerField())
    devices = FireDevice.objects.filter(state=State.IN_SERVICE)
    checks = DeviceCheck.objects.all()
    if under:
        devices, checks = (
            devices.filter(unit_path__startswith=under),
            checks.filter(unit_path__startswith=under),
        )
    by_device = (
        devices.annotate(month=Value(NOW, output_field=IntegerField()))
        .values("unit_path", "unit_id", "month", "type")
        .annotate(
            devices=Count("id"),
            failed=Count("id", filter=Q(failed=True)),
            checks=zero,
            checked=zero,
            failures=zero,
        )
        .order_by()
    )
    by_check = (
        checks.values("unit_path", "unit_id", "month", "type")
        .annotate(
            devices=zero,
            failed=zero,
            checks=Count("id"),
            checked=Count("id", filter=Q(first_in_month=True)),
            failures=Count("id", filter=Q(result=Result.FAIL)),
        )
        .order_by()
    )
    return [by_device, by_check]


FIRE = register(
    Rollup(
        name="fire_devices",
        label="fire devices and their checks",
        cell=FireCell,
        delta=FireDelta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def device_changed(before: Any | None, after: Any | None) -> None:
    FIRE.changed(before, after)


def check_recorded(check: Any) -> None:
    FIRE.changed(None, check)


def read(units: list[Any], *, months: tuple[int, int] | None = None, group: tuple[str, ...] = ()) -> dict:
    """{(unit_id, *group values): counters} of each unit's subtree (cells + pending deltas);
    `months` (inclusive YYYYMM range) selects check months, None the register now (month 0)."""
    ranges = {"month": months} if months else {}
    where = {} if months else {"month": NOW}
    found = FIRE.read(
        [(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units}, where=where, ranges=ranges, group=group
    )
    return {(unit_id, *rest): sums for (unit_id, _g, _k, *rest), sums in found.items()}
