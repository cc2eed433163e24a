"""Every change to the defence register goes through here: permission, validation, write, the
school's three-100% facts (`facts.refresh`), audit. Tests are in `defence.testing`, closed
management in `defence.closed`, missing items in `defence.shortfall`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.scoping import require

from . import facts
from .models import CATEGORY_OF, LINKABLE, Equipment, Kind, State
from .perms import MANAGE
from .workflow import TRANSITIONS

EDITABLE = ("kind", "quantity", "location", "police_linked", "note")
MAX_QUANTITY = 10_000


def _kind(value: Any) -> str:
    if value not in Kind.values:
        raise Invalid(_("Choose the kind of equipment."), field="kind")
    return str(value)


def _quantity(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid(_("Enter a quantity between 1 and %(n)s.") % {"n": MAX_QUANTITY}, field="quantity")
    try:
        n = int(str(value).strip()) if value not in (None, "") else 1
    except (TypeError, ValueError):
        raise Invalid(
            _("Enter a quantity between 1 and %(n)s.") % {"n": MAX_QUANTITY}, field="quantity"
        ) from None
    if not 1 <= n <= MAX_QUANTITY:
        raise Invalid(_("Enter a quantity between 1 and %(n)s.") % {"n": MAX_QUANTITY}, field="quantity")
    return n


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "off", "no"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    raise Invalid(_("Say yes or no."), field="police_linked")


def clean_equipment(data: dict[str, Any]) -> dict[str, Any]:
    """The item's fields from `data`, each checked; raises `InvalidFields` naming every wrong one."""
    checks: dict[str, Any] = {
        "kind": lambda: _kind(data.get("kind")),
        "quantity": lambda: _quantity(data.get("quantity")),
        "location": lambda: clean_text(
            data.get("location"), 200, "location", required=_("Say where the equipment is.")
        ),
        "police_linked": lambda: _flag(data.get("police_linked")),
        "note": lambda: clean_text(data.get("note"), 1000, "note", multiline=True),
    }
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, clean in checks.items():
        try:
            fields[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))
    if errors:
        raise InvalidFields(errors)
    if fields["kind"] not in LINKABLE:
        fields["police_linked"] = False
    fields["category"] = CATEGORY_OF[fields["kind"]]
    return fields


def school_of(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Defence equipment belongs to a school."), field="unit")
    return unit


def snapshot(item: Equipment) -> dict[str, Any]:
    return {**{f: getattr(item, f) for f in EDITABLE if f != "note"}, "state": item.state}


def add_equipment(unit: Unit, *, actor: Any, data: dict[str, Any]) -> Equipment:
    """Register an item at a school."""
    school_of(unit)
    require(actor, MANAGE, unit)
    fields = clean_equipment(data)
    with transaction.atomic():
        item = Equipment(**fields)
        item.set_unit(unit)
        item.save()
        facts.refresh(unit)
        audit.record(actor, "defence.added", item, after=snapshot(item))
    return item


def edit_equipment(item: Equipment, *, actor: Any, data: dict[str, Any]) -> Equipment:
    """Change an item's details (the fields given; the others are kept)."""
    require(actor, MANAGE, item.unit)
    if item.state != State.IN_SERVICE:
        raise Conflict(_("Retired equipment cannot be changed."))
    merged = {f: getattr(item, f) for f in EDITABLE}
    merged.update({k: v for k, v in data.items() if k in EDITABLE})
    fields = clean_equipment(merged)
    with transaction.atomic():
        locked = Equipment.objects.select_for_update().get(pk=item.pk)
        if locked.state != State.IN_SERVICE:
            raise Conflict(_("Retired equipment cannot be changed."))
        was = snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        facts.refresh(locked.unit)
        audit.record(actor, "defence.edited", locked, before=was, after=snapshot(locked))
    return locked


def retire_equipment(item: Equipment, *, actor: Any, reason: str = "") -> Equipment:
    """Take an item out of the register; its tests stay."""
    allowed_from, to_state, perm = TRANSITIONS["retire"]
    require(actor, perm, item.unit)
    reason = clean_text(reason, 500, "reason", multiline=True)
    with transaction.atomic():
        locked = Equipment.objects.select_for_update().get(pk=item.pk)
        if locked.state not in allowed_from:
            raise Conflict(_("This equipment is already retired."))
        locked.state, locked.retired_at = to_state, timezone.now()
        locked.save(update_fields=["state", "retired_at"])
        facts.refresh(locked.unit)
        audit.record(
            actor,
            "defence.retired",
            locked,
            before={"state": State.IN_SERVICE},
            after={"state": locked.state, "reason": reason},
        )
    return locked
