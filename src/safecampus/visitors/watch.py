"""The school's watch list (people barred by court order or custody ruling, kept by the
principal) and the warning the guard sees when a visitor matches it.

A visitor matches an active entry of the school, valid today, by ID number (keyed hash) or by
exactly the same name. Every match shown to the guard is an audit event (`visitors.watch_matched`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit, crypto
from safecampus.core.cleaning import clean_text, iso_date
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .cleaning import clean_id_number, clean_name
from .models import Visit, WatchEntry, WatchReason, normalise_id_number

MATCHED = "visitors.watch_matched"


def matches(school: Unit, *, name: str = "", id_number: str = "", id_hash: str = "") -> list[WatchEntry]:
    """The school's entries in force today that match this person (ID number first)."""
    name = " ".join((name or "").split())
    digest = id_hash or (crypto.lookup_hash(normalise_id_number(id_number)) if id_number else "")
    if not name and not digest:
        return []
    today = timezone.localdate()
    who = Q(pk__in=[])
    if digest:
        who |= Q(id_number_hash=digest)
    if name:
        who |= Q(name=name)
    qs = WatchEntry.objects.filter(unit=school, is_active=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return list(qs.filter(who).order_by("-id")[:5])


def matches_for(visit: Visit) -> list[WatchEntry]:
    return matches(visit.unit, name=visit.visitor_name, id_hash=visit.id_number_hash)


def warn(actor: Any, visit: Visit, found: list[WatchEntry], on: str) -> None:
    """Record that the guard was shown these matches (`on`: lookup, walk_in, check_in) and keep the
    first on the visit."""
    if not found:
        return
    with transaction.atomic():
        if visit.watch_match_id != found[0].pk:
            Visit.objects.filter(pk=visit.pk).update(watch_match=found[0])
            visit.watch_match = found[0]
        for entry in found:
            by = (
                "id_number"
                if entry.id_number_hash and entry.id_number_hash == visit.id_number_hash
                else "name"
            )
            audit.record(actor, MATCHED, visit, after={"entry": entry.pk, "on": on, "by": by})


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("The watch list belongs to a school."), field="unit")
    return unit


def clean_entry(data: dict[str, Any]) -> dict[str, Any]:
    checks = {
        "name": lambda: clean_name(data.get("name"), "name"),
        "id_number": lambda: clean_id_number(data.get("id_number"), required=False),
        "reason": lambda: _reason(data.get("reason")),
        "reference": lambda: clean_text(data.get("reference"), 100, "reference"),
        "note": lambda: clean_text(data.get("note"), 300, "note"),
        "valid_until": lambda: _until(data.get("valid_until")),
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
    return fields


def _reason(value: Any) -> str:
    if value not in WatchReason.values:
        raise Invalid(_("Choose why the person is on the watch list."), field="reason")
    return str(value)


def _until(value: Any) -> dt.date | None:
    day = iso_date(value, "valid_until")
    if day is not None and day < timezone.localdate():
        raise Invalid(_("The date cannot be in the past."), field="valid_until")
    return day


def add_entry(school: Unit, *, actor: Any, data: dict[str, Any]) -> WatchEntry:
    """Put a person on the school's watch list (the principal or school administrator)."""
    _school(school)
    require(actor, Perm.MANAGE_WATCHLIST, school)
    fields = clean_entry(data)
    entry = WatchEntry(
        name=fields["name"],
        reason=fields["reason"],
        reference=fields["reference"],
        note=fields["note"],
        valid_until=fields["valid_until"],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.id_number = fields["id_number"]
    entry.set_unit(school)
    with transaction.atomic():
        entry.save()
        audit.record(actor, "visitors.watch_added", entry, after=snapshot(entry))
    return entry


def remove_entry(entry: WatchEntry, *, actor: Any) -> WatchEntry:
    """Take a person off the watch list (the entry stays, inactive, for the record)."""
    require(actor, Perm.MANAGE_WATCHLIST, entry.unit)
    with transaction.atomic():
        moved = WatchEntry.objects.filter(pk=entry.pk, is_active=True).update(is_active=False)
        if not moved:
            raise Conflict(_("This entry is already off the watch list."))
        entry.refresh_from_db()
        audit.record(
            actor, "visitors.watch_removed", entry, before={"is_active": True}, after={"is_active": False}
        )
    return entry


def snapshot(entry: WatchEntry) -> dict[str, Any]:
    return {
        "name": entry.name[:1] + "*" * max(len(entry.name) - 1, 1),
        "id_number": entry.id_number_masked,
        "reason": entry.reason,
        "reference": entry.reference,
        "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
    }
