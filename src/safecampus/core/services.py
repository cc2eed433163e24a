"""Org-tree services: every change to a unit goes through here (checks, writes, audit)."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from . import audit
from .errors import Conflict, Invalid
from .models import ALLOWED_CHILDREN, SchoolType, Unit, UnitKind
from .roles import Perm
from .scoping import ScopedModel, has_perm_at, require
from .signals import unit_moved

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$|^[a-z0-9]$")
EDITABLE_FIELDS = ("name", "school_type", "address", "contact_name", "contact_phone")
OWN_UNIT_FIELDS = ("address", "contact_name", "contact_phone")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,32}$")


def _clean_text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit] if value is not None else ""


def _validate_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in fields:
        name = _clean_text(fields["name"], 200)
        if not name:
            raise Invalid(_("Please enter the unit's name."), field="name")
        if len(name) > 120:
            raise Invalid(_("The name may have at most 120 characters."), field="name")
        out["name"] = name
    if "school_type" in fields:
        school_type = fields.get("school_type") or ""
        if kind == UnitKind.SCHOOL:
            if school_type not in SchoolType.values:
                raise Invalid(_("Please choose the school type."), field="school_type")
        elif school_type:
            raise Invalid(_("Only schools have a school type."), field="school_type")
        out["school_type"] = school_type
    if "address" in fields:
        out["address"] = _clean_text(fields["address"], 255)
    if "contact_name" in fields:
        out["contact_name"] = _clean_text(fields["contact_name"], 60)
    if "contact_phone" in fields:
        phone = _clean_text(fields["contact_phone"], 64)
        if phone and not PHONE_RE.match(phone):
            raise Invalid(_("Please enter a valid contact phone number."), field="contact_phone")
        out["contact_phone"] = phone
    return out


def _check_child_kind(parent: Unit | None, kind: str) -> None:
    if kind not in UnitKind.values:
        raise Invalid(_("Unknown unit kind."), field="kind")
    allowed = ALLOWED_CHILDREN[parent.kind if parent else None]
    if kind not in allowed:
        raise Invalid(
            _("A %(kind)s cannot be placed under this unit.") % {"kind": UnitKind(kind).label}, field="kind"
        )


@transaction.atomic
def create_unit(parent: Unit | None, *, actor: Any, code: str, name: str, kind: str, **fields: Any) -> Unit:
    """Create a unit under `parent` (None: a new root, operators only)."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise Invalid(_("Only operators may create a top-level unit."))
    else:
        require(actor, Perm.MANAGE_UNITS, parent)
        if not parent.is_active:
            raise Invalid(_("Units cannot be added under an inactive unit."))
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise Invalid(
            _("The code may contain lower-case letters, digits and hyphens (at most 64)."), field="code"
        )
    if Unit.objects.filter(code=code).exists():
        raise Invalid(_("The code %(code)s is already in use.") % {"code": code}, field="code")
    _check_child_kind(parent, kind)
    values = _validate_fields(kind, {"name": name, "school_type": "", **fields})
    node = Unit(code=code, kind=kind, **values)
    unit = Unit.add_root(instance=node) if parent is None else parent.add_child(instance=node)
    audit.record(actor, "unit.created", unit, after=unit.audit_snapshot())
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor: Any, **fields: Any) -> Unit:
    """Rename or edit a unit's details. Own-unit editors may change address and contact only."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not has_perm_at(actor, Perm.MANAGE_UNITS, unit):
        require(actor, Perm.EDIT_OWN_UNIT, unit)
        if set(fields) - set(OWN_UNIT_FIELDS):
            raise Invalid(_("You may change only the address and contact details of your unit."))
    values = _validate_fields(unit.kind, fields)
    before = unit.audit_snapshot()
    changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
    if not changed:
        return unit
    for key, value in changed.items():
        setattr(unit, key, value)
    unit.save(update_fields=[*changed.keys(), "updated_at"])
    verb = "unit.renamed" if "name" in changed else "unit.updated"
    audit.record(actor, verb, unit, before=before, after=unit.audit_snapshot())
    return unit


def _require_strictly_below(actor: Any, unit: Unit) -> None:
    """Moving or deactivating needs the right over the unit's parent: nobody moves their own root."""
    parent = unit.get_parent()
    if parent is None:
        raise Invalid(_("A top-level unit cannot be moved or deactivated."))
    require(actor, Perm.MANAGE_UNITS, parent)


def _rewrite_scoped_paths(old_prefix: str, new_prefix: str) -> None:
    """Tenant rows store their unit's path; rewrite them for the moved subtree."""
    for model in apps.get_models():
        if issubclass(model, ScopedModel) or getattr(model, "rewrite_unit_path_on_move", False):
            model._base_manager.filter(unit_path__startswith=old_prefix).update(
                unit_path=Concat(Value(new_prefix), Substr(F("unit_path"), len(old_prefix) + 1))
            )


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit, *, actor: Any) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    _require_strictly_below(actor, unit)
    require(actor, Perm.MANAGE_UNITS, new_parent)
    if new_parent.path.startswith(unit.path):
        raise Invalid(_("A unit cannot be moved under itself or its own sub-units."), field="parent")
    if unit.get_parent().pk == new_parent.pk:
        raise Invalid(_("The unit is already there."), field="parent")
    if not new_parent.is_active:
        raise Invalid(_("Units cannot be moved under an inactive unit."), field="parent")
    _check_child_kind(new_parent, unit.kind)
    before = {**unit.audit_snapshot(), "parent": unit.get_parent().code}
    old_path = unit.path
    unit.move(new_parent, pos="last-child")
    unit.refresh_from_db()
    _rewrite_scoped_paths(old_path, unit.path)
    unit_moved.send(sender=Unit, unit=unit, old_path=old_path)
    after = {**unit.audit_snapshot(), "parent": new_parent.code}
    audit.record(actor, "unit.moved", unit, before=before, after=after)
    return unit


@transaction.atomic
def set_unit_active(unit: Unit, active: bool, *, actor: Any) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _require_strictly_below(actor, unit)
    if unit.is_active == active:
        return unit
    if not active and unit.get_children().filter(is_active=True).exists():
        raise Conflict(_("Deactivate the sub-units of this unit first."))
    if active and not unit.get_parent().is_active:
        raise Conflict(_("Reactivate the parent unit first."))
    before = unit.audit_snapshot()
    unit.is_active = active
    unit.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor,
        "unit.activated" if active else "unit.deactivated",
        unit,
        before=before,
        after=unit.audit_snapshot(),
    )
    return unit
