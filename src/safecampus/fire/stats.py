"""The register's figures for other modules' pages (the check statistics): per unit, devices and
failed devices now, devices checked in a month range (roll-up cells), devices expired today (the
expiry index). Read-only; the caller has already resolved the units the reader may see."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import FireDevice, State
from .rollup import read as read_cells
from .status import expired_q


def read(units: list[Any], month_from: int, month_to: int) -> dict[int, dict[str, int]]:
    """{unit id: {"devices", "failed", "checked", "expired"}} of each unit's subtree; `checked` is
    the devices checked at least once in each month of [month_from, month_to] (YYYYMM), summed."""
    now = read_cells(units)
    checked = read_cells(units, months=(month_from, month_to))
    today = timezone.localdate()
    out: dict[int, dict[str, int]] = {}
    for unit in units:
        held, seen = now.get((unit.pk,), {}), checked.get((unit.pk,), {})
        expired = FireDevice.objects.filter(
            expired_q(today), state=State.IN_SERVICE, unit_path__startswith=unit.path
        ).count()
        out[unit.pk] = {
            "devices": int(held.get("devices", 0)),
            "failed": int(held.get("failed", 0)),
            "checked": int(seen.get("checked", 0)),
            "expired": expired,
        }
    return out
