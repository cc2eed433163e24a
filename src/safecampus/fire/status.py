"""A device's status, derived in one place: from the policy's numbers (service life and service
interval by type, the check interval) and the dates kept on the device.

Precedence: expired (the production date plus the type's service life has passed) → failed (the
last check failed and nothing fixed it since) → due (no check in the current check window, or
the professional service is due) → ok. `derive` answers for one device, `status_q` the same as a
query condition, so lists, filters, the API and the "today" cards agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from safecampus.core.policy import Policy, policy_for

from .models import State, Status


@dataclass(frozen=True)
class FirePolicy:
    service_life_years: dict[str, int]
    service_interval_months: dict[str, int]
    check_interval_months: int

    @classmethod
    def of(cls, policy: Policy) -> FirePolicy:
        fire = policy.fire
        return cls(
            service_life_years={k: int(v) for k, v in dict(fire.service_life_years).items()},
            service_interval_months={k: int(v) for k, v in dict(fire.service_interval_months).items()},
            check_interval_months=max(1, int(fire.check_interval_months)),
        )


def fire_policy(unit: Any, on: dt.date | None = None) -> FirePolicy:
    return FirePolicy.of(policy_for(unit, on))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months (the 29th–31st fall back to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def dates(rules: FirePolicy, device_type: str, production: dt.date | None, service: dt.date | None) -> dict:
    """The derived dates a device keeps: `expires_on` (None without a production date or a fixed
    service life) and `service_due_on` (from the last service, else the production date)."""
    years = rules.service_life_years.get(device_type, 0)
    expires = add_months(production, 12 * years) if production and years else None
    months = rules.service_interval_months.get(device_type, 0)
    base = service or production
    due = add_months(base, months) if base and months else None
    return {"expires_on": expires, "service_due_on": due}


def window_start(rules: FirePolicy, today: dt.date) -> dt.datetime:
    """The start (local midnight) of the current check window: the first day of this month, or of
    the month `check_interval_months - 1` before it."""
    first = add_months(today.replace(day=1), -(rules.check_interval_months - 1))
    return timezone.make_aware(dt.datetime.combine(first, dt.time()), timezone.get_default_timezone())


def derive(device: Any, rules: FirePolicy, today: dt.date | None = None) -> str:
    """The status of one device (in service) today."""
    today = today or timezone.localdate()
    if device.expires_on is not None and device.expires_on <= today:
        return Status.EXPIRED
    if device.failed:
        return Status.FAILED
    if due(device, rules, today):
        return Status.DUE
    return Status.OK


def due(device: Any, rules: FirePolicy, today: dt.date) -> bool:
    """Not checked in this window, or the service is due."""
    unchecked = device.last_check_at is None or device.last_check_at < window_start(rules, today)
    return unchecked or (device.service_due_on is not None and device.service_due_on <= today)


def expired_q(today: dt.date) -> Q:
    return Q(expires_on__isnull=False, expires_on__lte=today)


def unchecked_q(rules: FirePolicy, today: dt.date) -> Q:
    return Q(last_check_at__isnull=True) | Q(last_check_at__lt=window_start(rules, today))


def status_q(status: str, rules: FirePolicy, today: dt.date | None = None) -> Q:
    """Devices in service whose derived status is `status` (same precedence as `derive`)."""
    today = today or timezone.localdate()
    live = Q(state=State.IN_SERVICE)
    expired = expired_q(today)
    failed = Q(failed=True)
    is_due = unchecked_q(rules, today) | Q(service_due_on__isnull=False, service_due_on__lte=today)
    if status == Status.EXPIRED:
        return live & expired
    if status == Status.FAILED:
        return live & ~expired & failed
    if status == Status.DUE:
        return live & ~expired & ~failed & is_due
    if status == Status.OK:
        return live & ~expired & ~failed & ~is_due
    raise ValueError(status)
