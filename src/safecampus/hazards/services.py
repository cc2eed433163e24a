"""Every change to a hazard goes through here: permission, validation, write, audit, follow-up.

`report()` registers a hazard (once per client-generated id); `act()` takes one action of the
transition table (`hazards.workflow`): it checks who may, validates what the action needs, moves
the status with a compare-and-set (two people acting at once cannot both succeed), records the
audit event and tells the people concerned after the commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import client_uuid
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.files.store import files_kept_on_success
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at, require
from safecampus.risks.models import Category, PlanArea, RiskPoint
from safecampus.risks.services import clean_text, plan_fraction

from . import counting, events, notices
from .models import Grade, Hazard, PhotoStage, Resolution, Source
from .photos import add_photos, encode
from .workflow import TRANSITIONS, VERBS, check


def _choice(value: Any, choices: Any, field: str, message: str) -> str:
    if value not in choices.values:
        raise Invalid(message, field=field)
    return str(value)


_client_id = client_uuid


def _risk_point(unit: Unit, value: Any) -> RiskPoint | None:
    if value in (None, ""):
        return None
    point = RiskPoint.objects.filter(pk=_int(value, "risk_point"), unit=unit).first()
    if point is None:
        raise Invalid(_("Choose a risk point of this school."), field="risk_point")
    return point


def _area(unit: Unit, value: Any) -> PlanArea | None:
    if value in (None, ""):
        return None
    area = PlanArea.objects.filter(pk=_int(value, "area"), plan__unit=unit).first()
    if area is None:
        raise Invalid(_("Choose an area of this school's plan."), field="area")
    return area


def _int(value: Any, field: str) -> int:
    try:
        number = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise Invalid(_("Enter a whole number."), field=field) from None
    if not 0 < number < 2**31:
        raise Invalid(_("Enter a whole number."), field=field)
    return number


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Hazards belong to a school."), field="unit")
    return unit


def _required(value: str, message: str, field: str) -> str:
    if not value:
        raise Invalid(message, field=field)
    return value


def clean_report(unit: Unit | None, *, actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The hazard's fields from a report's `data`, every field checked: raises `InvalidFields`
    naming each wrong one (a form shows them all at once). Without a school (`unit` None) the
    school's own choices (risk point, area) are left unchecked."""
    has_unit = unit is not None
    checks: dict[str, Any] = {
        "source": lambda: _source(unit, actor, data.get("source")),
        "category": lambda: _choice(data.get("category"), Category, "category", _("Choose a category.")),
        "grade": lambda: _choice(data.get("grade") or Grade.GENERAL, Grade, "grade", _("Choose a grade.")),
        "location": lambda: _required(clean_text(data.get("location"), 200, "location"),
                                      _("Please say where the hazard is."), "location"),
        "description": lambda: _required(clean_text(data.get("description"), 2000, "description",
                                                    multiline=True),
                                         _("Please describe the hazard."), "description"),
        "risk_point": lambda: _risk_point(unit, data.get("risk_point")) if has_unit else None,
        "area": lambda: _area(unit, data.get("area")) if has_unit else None,
        "pin_x": lambda: plan_fraction(data.get("pin_x"), "pin_x"),
        "pin_y": lambda: plan_fraction(data.get("pin_y"), "pin_y"),
    }  # fmt: skip
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, clean in checks.items():
        try:
            fields[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, exc.message)
    if errors:
        raise InvalidFields(errors)
    return fields


def _source(unit: Unit | None, actor: Any, value: Any) -> str:
    source = _choice(value or Source.SELF_CHECK, Source, "source", _("Choose a source."))
    if source == Source.BUREAU and (unit is None or not has_perm_at(actor, Perm.SUPERVISE_HAZARDS, unit)):
        raise Invalid(_("Only a bureau records hazards found by its supervision."), field="source")
    return source


def report(unit: Unit, *, actor: Any, data: dict[str, Any], photos: list[Any] = ()) -> tuple[Hazard, bool]:
    """Register a hazard found at `unit` (a school). Returns (hazard, created): a retry with the
    same `client_id` by the same reporter answers the hazard already registered. `photos` are
    uploads or photos already encoded (kept from an earlier try of the form)."""
    _school(unit)
    require(actor, Perm.REPORT_HAZARDS, unit)
    client_id = _client_id(data.get("client_id"))
    if client_id is not None:
        existing = Hazard.objects.filter(reported_by=actor, client_id=client_id).first()
        if existing is not None:
            return existing, False
    fields = clean_report(unit, actor=actor, data=data)
    items = encode(list(photos))
    now = timezone.now()
    try:
        with files_kept_on_success(), transaction.atomic():
            hazard = Hazard(
                client_id=client_id, reported_by=actor, reported_at=now, status_changed_at=now, **fields
            )
            hazard.set_unit(unit)
            hazard.save()
            add_photos(hazard, items, stage=PhotoStage.REPORT, actor=actor)
            counting.changed(None, hazard)
            audit.record(actor, "hazard.reported", hazard, after=_snapshot(hazard))
            events.reported(hazard)
            transaction.on_commit(lambda: notices.reported(hazard.pk))
    except IntegrityError:
        # The same report arrived twice at once: the other request created it.
        existing = Hazard.objects.filter(reported_by=actor, client_id=client_id).first()
        if client_id is None or existing is None:
            raise
        return existing, False
    return hazard, True


def _snapshot(hazard: Hazard) -> dict[str, Any]:
    return {
        "status": hazard.status,
        "grade": hazard.grade,
        "source": hazard.source,
        "category": hazard.category,
        "location": hazard.location,
        "rectifier": hazard.rectifier.name if hazard.rectifier_id else None,
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
    }


def _person_at(unit: Unit, value: Any, field: str) -> Any:
    from safecampus.accounts.models import User

    if value in (None, ""):
        raise Invalid(_("Choose the rectifier."), field=field)
    pk = _int(value, field)
    if not any(
        has_perm_at(m.user, Perm.RECTIFY_HAZARDS, unit)
        for m in Membership.objects.filter(user_id=pk, unit=unit, is_active=True).select_related("user")
    ):
        raise Invalid(_("Choose a staff member of this school."), field=field)
    return User.objects.get(pk=pk)


def _deadline(hazard: Hazard, value: Any, grade: str) -> dt.date:
    if value in (None, ""):
        raise Invalid(_("Set the deadline."), field="deadline")
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise Invalid(_("Enter a valid date."), field="deadline") from None
    today = timezone.localdate()
    longest = int(policy_for(hazard.unit).hazards.max_deadline_days[grade])
    if value < today:
        raise Invalid(_("The deadline cannot be in the past."), field="deadline")
    if value > today + dt.timedelta(days=longest):
        raise Invalid(_("The deadline may be at most %(n)s days away.") % {"n": longest}, field="deadline")
    return value


def _funds(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Invalid(_("Enter an amount in yuan."), field="funds") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise Invalid(_("Enter an amount in yuan."), field="funds")
    return amount.quantize(Decimal("0.01"))


def _text(data: dict[str, Any], key: str, *, required: str | None = None) -> str:
    text = clean_text(data.get(key), 2000, key, multiline=True)
    if required and not text:
        raise Invalid(required, field=key)
    return text


def _changes(
    hazard: Hazard, action: str, actor: Any, data: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """What the action writes besides the status; validates the action's input."""
    if action == "confirm":
        grade = _choice(data.get("grade") or hazard.grade, Grade, "grade", _("Choose a grade."))
        return {"confirmed_by": actor, "confirmed_at": now, "grade": grade}
    if action == "reject":
        return {"reject_reason": _text(data, "reason", required=_("Say why this is not a hazard.")),
                "confirmed_by": actor, "confirmed_at": now}  # fmt: skip
    if action == "assign":
        out = {
            "rectifier": _person_at(hazard.unit, data.get("rectifier"), "rectifier"),
            "deadline": _deadline(hazard, data.get("deadline"), hazard.grade),
            "measures": _text(data, "measures", required=_("Describe the rectification measures.")),
            "funds": _funds(data.get("funds")),
            "assigned_by": actor,
            "assigned_at": now,
        }
        if hazard.is_major:
            out["plan"] = _text(data, "plan", required=_("A major hazard needs a rectification plan."))
            out["interim_measures"] = _text(
                data, "interim_measures", required=_("A major hazard needs interim safety measures.")
            )
        return out
    if action == "start":
        return {"started_at": now}
    if action == "submit":
        return {
            "submitted_at": now,
            "submit_note": _text(data, "note", required=_("Describe what was done.")),
        }
    if action == "verify":
        resolution = Resolution.ACCEPTED if hazard.is_major else Resolution.VERIFIED
        return {
            "verified_by": actor,
            "verify_note": _text(data, "note"),
            "closed_at": now,
            "resolution": resolution,
        }
    if action == "send_back":
        return {"send_back_reason": _text(data, "reason", required=_("Say what is still missing.")),
                "sent_back_count": hazard.sent_back_count + 1}  # fmt: skip
    if action == "close_on_spot":
        note = _text(data, "note", required=_("Describe what was done."))
        return {"submit_note": note, "submitted_at": now, "rectifier": actor, "closed_at": now,
                "resolution": Resolution.ON_SPOT}  # fmt: skip
    raise Invalid(_("Unknown action."), field="action")


def act(hazard: Hazard, *, actor: Any, action: Any, data: dict[str, Any] | None = None,
        photos: list[Any] = ()) -> Hazard:  # fmt: skip
    """Take `action` on `hazard`. Refused (403), illegal in this status or beaten by someone
    else (409) and bad input (400) change nothing."""
    data = data or {}
    action = str(action or "")
    check(actor, action, hazard)
    now = timezone.now()
    changes = _changes(hazard, action, actor, data, now)
    needs_evidence = action in ("submit", "close_on_spot")
    items = encode(list(photos))
    if needs_evidence and not items and not hazard.photos.filter(stage=PhotoStage.EVIDENCE).exists():
        raise Invalid(_("Add at least one photo of the result."), field="photos")
    before = _snapshot(hazard)
    to_status = TRANSITIONS[action][1]
    with files_kept_on_success(), transaction.atomic():
        moved = Hazard.objects.filter(pk=hazard.pk, status=hazard.status).update(
            status=to_status, status_changed_at=now, **changes
        )
        if not moved:
            raise Conflict(_("Someone else changed this hazard just now. Reload and try again."))
        done = Hazard.objects.select_related("unit").get(pk=hazard.pk)
        counting.changed(hazard, done)
        if items:
            stage = PhotoStage.EVIDENCE if needs_evidence else PhotoStage.REPORT
            add_photos(done, items, stage=stage, actor=actor)
        after = _snapshot(done)
        after.update({k: data.get(k) for k in ("reason", "note") if data.get(k)})
        audit.record(actor, VERBS[action], done, before=before, after=after)
        events.changed(done)
        pk = done.pk
        transaction.on_commit(lambda: notices.acted(pk, action))
    hazard.refresh_from_db()
    return hazard
