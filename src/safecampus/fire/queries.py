"""Reading the register, always scoped: a school's devices, one device (by id, or by the school
and device codes printed on its label), counts by status, and a bureau's child units ranked by
their devices — from the roll-up's cells plus one indexed query for the expired ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.core.months import month_key
from safecampus.core.places import unit_for
from safecampus.core.rollups import STEP
from safecampus.core.scoping import get_visible_or_404

from . import rollup
from .models import DeviceCheck, FireDevice, State, Status
from .perms import VIEW
from .status import FirePolicy, expired_q, status_q

STATUS_ORDER = [Status.EXPIRED, Status.FAILED, Status.DUE, Status.OK]


def devices_in(user: Any, unit: Unit) -> QuerySet:
    """The devices in service of `unit`'s subtree that the user may read."""
    return FireDevice.objects.visible_to(user).filter(unit_path__startswith=unit.path, state=State.IN_SERVICE)


def get_device_for(user: Any, device_id: int) -> FireDevice:
    """404 alike for missing and for not yours."""
    return get_visible_or_404(FireDevice.objects.select_related("unit"), user, pk=device_id)


def device_by_code(user: Any, school_id: int, device_code: str) -> FireDevice:
    """The device whose label was scanned: the school (by id) and the device's code; 404 alike
    for a school or device that is missing or not the user's."""
    school = unit_for(user, VIEW, pk=school_id, school=True)
    if not isinstance(device_code, str) or len(device_code) > 32:
        raise Http404
    device = (
        FireDevice.objects.visible_to(user)
        .filter(unit=school, code__iexact=device_code)
        .select_related("unit")
        .first()
    )
    if device is None:
        raise Http404
    return device


def get_check_for(user: Any, check_id: int) -> DeviceCheck:
    return get_visible_or_404(DeviceCheck.objects.select_related("device", "unit"), user, pk=check_id)


def status_counts(qs: QuerySet, rules: FirePolicy, today: dt.date | None = None) -> dict[str, int]:
    """{status: devices} of a queryset of devices in service, in one statement."""
    today = today or timezone.localdate()
    found = qs.aggregate(
        **{f"n_{s.value}": Count("id", filter=status_q(s, rules, today)) for s in STATUS_ORDER}
    )
    return {s.value: found[f"n_{s.value}"] or 0 for s in STATUS_ORDER}


def expired_by_child(area: Unit, today: dt.date | None = None) -> dict[str, int]:
    """{child unit path: expired devices} below a bureau (the expiry index, one grouped query)."""
    today = today or timezone.localdate()
    width = len(area.path) + STEP
    rows = (
        FireDevice.objects.filter(expired_q(today), state=State.IN_SERVICE, unit_path__startswith=area.path)
        .annotate(child=Substr("unit_path", 1, width))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["child"]: r["n"] for r in rows}


def area_rows(area: Unit, units: list[Unit], today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per unit of `units` (children of `area`): devices and failed devices now, devices
    checked this month (roll-up cells), expired devices (indexed query)."""
    today = today or timezone.localdate()
    month = month_key(today)
    now = rollup.read(units)
    this_month = rollup.read(units, months=(month, month))
    expired = expired_by_child(area, today)
    rows = []
    for u in units:
        held, checked = now.get((u.pk,), {}), this_month.get((u.pk,), {})
        rows.append(
            {
                "unit": u,
                "devices": held.get("devices", 0),
                "failed": held.get("failed", 0),
                "expired": expired.get(u.path, 0),
                "checked": checked.get("checked", 0),
                "failures": checked.get("failures", 0),
            }
        )
    for r in rows:
        r["unchecked"] = max(0, r["devices"] - r["checked"])
    return rows


def worst_first(row: dict[str, Any]) -> tuple[int, ...]:
    return (row["expired"], row["failed"], row["unchecked"], row["devices"])


def area_totals(area: Unit, today: dt.date | None = None) -> dict[str, int]:
    [row] = area_rows_for_self(area, today)
    return row


def area_rows_for_self(area: Unit, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    month = month_key(today)
    now = rollup.read([area]).get((area.pk,), {})
    this_month = rollup.read([area], months=(month, month)).get((area.pk,), {})
    expired = FireDevice.objects.filter(
        expired_q(today), state=State.IN_SERVICE, unit_path__startswith=area.path
    ).count()
    devices, checked = now.get("devices", 0), this_month.get("checked", 0)
    return [
        {
            "unit": area,
            "devices": devices,
            "failed": now.get("failed", 0),
            "expired": expired,
            "checked": checked,
            "failures": this_month.get("failures", 0),
            "unchecked": max(0, devices - checked),
        }
    ]
