"""Every change to a school's guard register goes through here: permission (`Perm.MANAGE_SECURITY`
at the school), validation (all wrong fields at once, nothing written), write, audit event, and
`staffing_changed` on commit.

A guard's status moves through `TRANSITIONS` only (on post → left, and back when re-hired).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require
from safecampus.core.validators import is_mobile, normalise, normalise_mobile, parse_id_card

from .models import Campus, Employment, Guard, GuardStatus, SecurityCompany
from .signals import staffing_may_change

MANAGE = Perm.MANAGE_SECURITY
VIEW = Perm.VIEW_SECURITY

TRANSITIONS: dict[str, tuple[set[str], str]] = {
    # action: (from states, to state)
    "leave": ({GuardStatus.ON_POST}, GuardStatus.LEFT),
    "return": ({GuardStatus.LEFT}, GuardStatus.ON_POST),
}
FIELDS = (
    "name",
    "id_number",
    "phone",
    "birth_date",
    "employment",
    "company",
    "full_time",
    "certificate_no",
    "certificate_expires",
    "user",
    "started_on",
    "note",
)
MAX_GATES = 50


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Guards belong to a school."), field="unit")
    return unit


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(_("Enter a valid date."), field=field) from None
    if day.year < 1900 or day.year > 2200:
        raise Invalid(_("Enter a valid date."), field=field)
    return day


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "on", "yes"}


def _name(value: Any) -> str:
    return clean_text(value, 60, "name", required=_("Enter the guard's name."))


def _id_number(value: Any) -> str:
    number = normalise(value).upper()
    if number and parse_id_card(number) is None:
        raise Invalid(_("Enter a valid 18-digit ID-card number."), field="id_number")
    return number


def _phone(value: Any) -> str:
    phone = normalise_mobile(value)
    if phone and not is_mobile(phone):
        raise Invalid(_("Enter a valid mobile number."), field="phone")
    return phone


def _employment(value: Any) -> str:
    value = value or Employment.EMPLOYED
    if value not in Employment.values:
        raise Invalid(_("Choose how the guard is employed."), field="employment")
    return str(value)


def _company(unit: Unit, value: Any) -> SecurityCompany | None:
    if value in (None, ""):
        return None
    if isinstance(value, SecurityCompany):
        value = value.pk
    found = SecurityCompany.objects.filter(unit=unit, pk=value).first() if str(value).isdigit() else None
    if found is None:
        raise Invalid(_("Choose one of the school's security companies."), field="company")
    return found


def _user(unit: Unit, value: Any) -> Any:
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    member = (
        Membership.objects.filter(unit=unit, user_id=pk, is_active=True).select_related("user").first()
        if str(pk).isdigit()
        else None
    )
    if member is None:
        raise Invalid(_("Choose an account of a member of this school."), field="user")
    return member.user


def clean_guard(unit: Unit, data: dict[str, Any], guard: Guard | None = None) -> dict[str, Any]:
    """The fields present in `data` (all of them for a new guard), each checked; `InvalidFields`
    names every wrong one."""
    checks: dict[str, Any] = {
        "name": lambda: _name(data.get("name")),
        "id_number": lambda: _id_number(data.get("id_number")),
        "phone": lambda: _phone(data.get("phone")),
        "birth_date": lambda: _date(data.get("birth_date"), "birth_date"),
        "employment": lambda: _employment(data.get("employment")),
        "company": lambda: _company(unit, data.get("company")),
        "full_time": lambda: _bool(data.get("full_time", True)),
        "certificate_no": lambda: clean_text(data.get("certificate_no"), 40, "certificate_no"),
        "certificate_expires": lambda: _date(data.get("certificate_expires"), "certificate_expires"),
        "user": lambda: _user(unit, data.get("user")),
        "started_on": lambda: _date(data.get("started_on"), "started_on"),
        "note": lambda: clean_text(data.get("note"), 1000, "note", multiline=True),
    }
    names = FIELDS if guard is None else [f for f in FIELDS if f in data]
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        try:
            fields[name] = checks[name]()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))

    def now(name: str) -> Any:
        return fields[name] if name in fields else getattr(guard, name, None)

    if "employment" in fields or "company" in fields:
        if now("employment") == Employment.CONTRACTED and now("company") is None:
            errors.setdefault("company", _("Choose the security company the guard is contracted through."))
        if now("employment") == Employment.EMPLOYED:
            fields["company"] = None
    if "certificate_no" in fields or "certificate_expires" in fields:
        if now("certificate_no") and not now("certificate_expires"):
            errors.setdefault("certificate_expires", _("Enter the certificate's expiry date."))
        if now("certificate_expires") and not now("certificate_no"):
            errors.setdefault("certificate_no", _("Enter the certificate number."))
    birth = fields.get("birth_date")
    if birth and birth > timezone.localdate():
        errors.setdefault("birth_date", _("The date cannot be in the future."))
    number = fields.get("id_number")
    if number and "birth_date" in fields and fields["birth_date"] is None:
        fields["birth_date"] = parse_id_card(number)[0]  # the ID card carries the birth date
    if number:
        taken = Guard.objects.filter(unit=unit, id_number_hash=_hash(number))
        if guard is not None:
            taken = taken.exclude(pk=guard.pk)
        if taken.exists():
            errors.setdefault("id_number", _("This school already has a guard with this ID-card number."))
    person = fields.get("user")
    if person is not None:
        taken = Guard.objects.filter(unit=unit, user=person)
        if guard is not None:
            taken = taken.exclude(pk=guard.pk)
        if taken.exists():
            errors.setdefault("user", _("This account is already linked to another guard."))
    if errors:
        raise InvalidFields(errors)
    return fields


def _hash(number: str) -> str:
    from safecampus.core.crypto import lookup_hash

    return lookup_hash(number)


def _apply(guard: Guard, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(guard, name, value)


@transaction.atomic
def add_guard(unit: Unit, *, actor: Any, data: dict[str, Any]) -> Guard:
    """Register a guard at a school."""
    _school(unit)
    require(actor, MANAGE, unit)
    fields = clean_guard(unit, data)
    guard = Guard()
    guard.set_unit(unit)
    _apply(guard, fields)
    try:
        with transaction.atomic():
            guard.save()
    except IntegrityError:
        raise Conflict(_("This guard is already registered.")) from None
    audit.record(actor, "guards.added", guard, after=guard.audit_snapshot())
    staffing_may_change(unit)
    return guard


@transaction.atomic
def edit_guard(guard: Guard, *, actor: Any, data: dict[str, Any]) -> Guard:
    """Change the fields given in `data` (the others stay)."""
    require(actor, MANAGE, guard.unit)
    guard = Guard.objects.select_for_update(of=("self",)).select_related("unit", "company").get(pk=guard.pk)
    fields = clean_guard(guard.unit, data, guard)
    before = guard.audit_snapshot()
    _apply(guard, fields)
    after = guard.audit_snapshot()
    if after == before and not ({"id_number", "phone", "note"} & set(fields)):
        return guard
    try:
        with transaction.atomic():
            guard.save()
    except IntegrityError:
        raise Conflict(_("This guard is already registered.")) from None
    audit.record(actor, "guards.edited", guard, before=before, after=after)
    staffing_may_change(guard.unit)
    return guard


@transaction.atomic
def move_guard(guard: Guard, action: str, *, actor: Any, on: Any = None) -> Guard:
    """`leave` (marked left, on `on` or today) or `return` (on post again)."""
    require(actor, MANAGE, guard.unit)
    if action not in TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    sources, target = TRANSITIONS[action]
    day = _date(on, "left_on") or timezone.localdate()
    changes: dict[str, Any] = {"status": target, "left_on": day if target == GuardStatus.LEFT else None}
    moved = Guard.objects.filter(pk=guard.pk, status__in=sources).update(**changes, updated_at=timezone.now())
    if not moved:
        raise Conflict(_("The guard is not in a state that allows this."))
    before = guard.status
    guard.refresh_from_db()
    audit.record(actor, f"guards.{action}", guard, before={"status": before}, after={"status": guard.status})
    staffing_may_change(guard.unit)
    return guard


@transaction.atomic
def add_company(unit: Unit, *, actor: Any, data: dict[str, Any]) -> SecurityCompany:
    _school(unit)
    require(actor, MANAGE, unit)
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    checks = {
        "name": lambda: clean_text(data.get("name"), 120, "name", required=_("Enter the company's name.")),
        "licence_no": lambda: clean_text(data.get("licence_no"), 60, "licence_no"),
        "contact_name": lambda: clean_text(data.get("contact_name"), 60, "contact_name"),
        "contact_phone": lambda: clean_text(data.get("contact_phone"), 32, "contact_phone"),
    }
    for name, check in checks.items():
        try:
            fields[name] = check()
        except Invalid as exc:
            errors.setdefault(exc.field or name, str(exc.message))
    if fields.get("name") and SecurityCompany.objects.filter(unit=unit, name=fields["name"]).exists():
        errors.setdefault("name", _("This school already has a company with this name."))
    if errors:
        raise InvalidFields(errors)
    company = SecurityCompany(**fields)
    company.set_unit(unit)
    company.save()
    audit.record(actor, "guards.company_added", company, after=company.audit_snapshot())
    return company


@transaction.atomic
def set_gates(unit: Unit, gates: Any, *, actor: Any) -> Campus:
    """The number of the school's gates (the large-campus rule)."""
    _school(unit)
    require(actor, MANAGE, unit)
    try:
        n = int(str(gates).strip())
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_GATES:
        raise Invalid(_("Enter the number of gates (1 to %(max)d).") % {"max": MAX_GATES}, field="gates")
    campus = Campus.objects.select_for_update().filter(unit=unit).first()
    before = campus.gates if campus else 1
    if campus is None:
        campus = Campus(gates=n)
        campus.set_unit(unit)
    campus.gates = n
    campus.save()
    if before != n:
        audit.record(
            actor, "guards.gates_set", campus, unit=unit, before={"gates": before}, after={"gates": n}
        )
        staffing_may_change(unit)
    return campus
