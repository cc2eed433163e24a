"""Every change to the fire-equipment register goes through here: permission, validation, write,
statistics, audit. Checks are in `fire.checks`.

`add_device`, `edit_device`, `record_service` and `retire_device` keep the derived dates
(`expires_on`, `service_due_on`) from the school's policy; each writes the roll-up's deltas and an
audit event in its transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.scoping import require

from . import rollup
from .models import DeviceType, FireDevice, State
from .perms import MANAGE
from .status import dates, fire_policy
from .workflow import TRANSITIONS

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
EDITABLE = ("code", "type", "building", "floor", "location", "production_date", "last_service_date", "note")


def _required(value: str, message: str, field: str) -> str:
    if not value:
        raise Invalid(message, field=field)
    return value


def clean_date(value: Any, field: str, *, not_after: dt.date | None = None) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise Invalid(_("Enter a valid date."), field=field) from None
    if value.year < 1950:
        raise Invalid(_("Enter a valid date."), field=field)
    if not_after is not None and value > not_after:
        raise Invalid(_("The date cannot be in the future."), field=field)
    return value


def _code(unit: Unit, value: Any, device: FireDevice | None) -> str:
    code = clean_text(value, 32, "code")
    if not code:
        raise Invalid(_("Give the device a code."), field="code")
    if not CODE_RE.match(code):
        raise Invalid(_("A device code has letters, digits and hyphens only."), field="code")
    taken = FireDevice.objects.filter(unit=unit, code__iexact=code)
    if device is not None:
        taken = taken.exclude(pk=device.pk)
    if taken.exists():
        raise Invalid(_("This school already has a device with this code."), field="code")
    return code


def _type(value: Any) -> str:
    if value not in DeviceType.values:
        raise Invalid(_("Choose the type of device."), field="type")
    return str(value)


def clean_device(unit: Unit, data: dict[str, Any], device: FireDevice | None = None) -> dict[str, Any]:
    """The device's fields from `data`, each checked; raises `InvalidFields` naming every wrong one."""
    today = timezone.localdate()
    checks: dict[str, Any] = {
        "code": lambda: _code(unit, data.get("code"), device),
        "type": lambda: _type(data.get("type")),
        "building": lambda: _required(
            clean_text(data.get("building"), 60, "building"),
            _("Say which building the device is in."),
            "building",
        ),
        "floor": lambda: clean_text(data.get("floor"), 20, "floor"),
        "location": lambda: _required(
            clean_text(data.get("location"), 200, "location"), _("Say where the device is."), "location"
        ),
        "production_date": lambda: clean_date(
            data.get("production_date"), "production_date", not_after=today
        ),
        "last_service_date": lambda: clean_date(
            data.get("last_service_date"), "last_service_date", not_after=today
        ),
        "note": lambda: clean_text(data.get("note"), 1000, "note", multiline=True),
    }
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, clean in checks.items():
        try:
            fields[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))
    made, served = fields.get("production_date"), fields.get("last_service_date")
    if made and served and served < made:
        errors.setdefault("last_service_date", _("The last service cannot be before the production date."))
    if errors:
        raise InvalidFields(errors)
    return fields


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Fire equipment belongs to a school."), field="unit")
    return unit


def _derive_dates(device: FireDevice) -> None:
    rules = fire_policy(device.unit)
    for name, value in dates(rules, device.type, device.production_date, device.last_service_date).items():
        setattr(device, name, value)


def snapshot(device: FireDevice) -> dict[str, Any]:
    out = {f: getattr(device, f) for f in EDITABLE if f != "note"}
    out.update(state=device.state, expires_on=device.expires_on)
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in out.items()}


def add_device(unit: Unit, *, actor: Any, data: dict[str, Any]) -> FireDevice:
    """Register a device at a school."""
    _school(unit)
    require(actor, MANAGE, unit)
    fields = clean_device(unit, data)
    device = FireDevice(**fields)
    device.set_unit(unit)
    _derive_dates(device)
    try:
        with transaction.atomic():
            device.save()
            rollup.device_changed(None, device)
            audit.record(actor, "fire.device_added", device, after=snapshot(device))
    except IntegrityError:  # the same code registered at the same moment
        raise Invalid(_("This school already has a device with this code."), field="code") from None
    return device


def edit_device(device: FireDevice, *, actor: Any, data: dict[str, Any]) -> FireDevice:
    """Change a device's details (the fields given; the others are kept)."""
    require(actor, MANAGE, device.unit)
    if device.state != State.IN_SERVICE:
        raise Conflict(_("A retired device cannot be changed."))
    merged = {f: getattr(device, f) for f in EDITABLE}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    fields = clean_device(device.unit, merged, device)
    with transaction.atomic():
        locked = FireDevice.objects.select_for_update().get(pk=device.pk)
        before, was = rollup.state(locked), snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        _derive_dates(locked)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise Invalid(_("This school already has a device with this code."), field="code") from None
        rollup.device_changed(before, locked)
        audit.record(actor, "fire.device_edited", locked, before=was, after=snapshot(locked))
    return locked


def record_service(device: FireDevice, *, actor: Any, data: dict[str, Any]) -> FireDevice:
    """A professional service (检测维保, refill, repair) done on `date`: the next service is due
    from it, and a failed device counts as fixed."""
    require(actor, MANAGE, device.unit)
    if device.state != State.IN_SERVICE:
        raise Conflict(_("A retired device cannot be changed."))
    day = clean_date(data.get("date"), "date", not_after=timezone.localdate()) or timezone.localdate()
    if device.production_date and day < device.production_date:
        raise Invalid(_("The last service cannot be before the production date."), field="date")
    note = clean_text(data.get("note"), 1000, "note", multiline=True)
    with transaction.atomic():
        locked = FireDevice.objects.select_for_update().get(pk=device.pk)
        before, was = rollup.state(locked), snapshot(locked)
        locked.last_service_date = day
        locked.failed = False
        _derive_dates(locked)
        locked.save()
        rollup.device_changed(before, locked)
        audit.record(
            actor, "fire.device_serviced", locked, before=was, after={**snapshot(locked), "note": note}
        )
    return locked


def retire_device(device: FireDevice, *, actor: Any, reason: str = "") -> FireDevice:
    """Take a device out of the register (scrapped, replaced, removed); its checks stay."""
    allowed_from, to_state, perm = TRANSITIONS["retire"]
    require(actor, perm, device.unit)
    reason = clean_text(reason, 500, "reason", multiline=True)
    with transaction.atomic():
        locked = FireDevice.objects.select_for_update().get(pk=device.pk)
        if locked.state not in allowed_from:
            raise Conflict(_("This device is already retired."))
        before = rollup.state(locked)
        moved = FireDevice.objects.filter(pk=locked.pk, state__in=allowed_from).update(
            state=to_state, retired_at=timezone.now()
        )
        if not moved:  # pragma: no cover - the row is locked above
            raise Conflict(_("This device is already retired."))
        locked.refresh_from_db()
        rollup.device_changed(before, locked)
        audit.record(
            actor,
            "fire.device_retired",
            locked,
            before={"state": State.IN_SERVICE},
            after={"state": locked.state, "reason": reason},
        )
    return locked


def refresh_dates(unit: Unit) -> int:
    """Derive the dates of every device of a school again (after its policy changed); returns
    how many changed."""
    rules = fire_policy(unit)
    changed = 0
    for device in FireDevice.objects.filter(unit=unit, state=State.IN_SERVICE):
        new = dates(rules, device.type, device.production_date, device.last_service_date)
        if any(getattr(device, k) != v for k, v in new.items()):
            FireDevice.objects.filter(pk=device.pk).update(**new)
            changed += 1
    return changed
