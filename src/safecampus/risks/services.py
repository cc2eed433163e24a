"""Every change to a risk point goes through here: permission, validation, write, audit.

Status moves only through `TRANSITIONS`. A major (red) point needs a control plan before it may
be confirmed; a confirmed point graded major without a plan is refused.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from . import counts
from .grading import Grade, RiskPolicy, risk_policy_for
from .models import (
    Category,
    ControlLevel,
    ControlPlan,
    GradingReason,
    Level,
    Method,
    RiskGrading,
    RiskPoint,
    Status,
)

TRANSITIONS: dict[str, tuple[set[str], str, str]] = {
    # action: (from states, to state, permission)
    "confirm": ({Status.DRAFT}, Status.CONFIRMED, Perm.MANAGE_RISKS),
    "retire": ({Status.DRAFT, Status.CONFIRMED}, Status.RETIRED, Perm.MANAGE_RISKS),
    "reopen": ({Status.CONFIRMED, Status.RETIRED}, Status.DRAFT, Perm.MANAGE_RISKS),
}

VERBS = {"confirm": "risk.confirmed", "retire": "risk.retired", "reopen": "risk.reopened"}

TEXT_LIMITS = {
    "name": 120,
    "name_en": 160,
    "location": 200,
    "building": 60,
    "floor": 20,
    "room": 60,
    "outdoor_area": 60,
    "hazard_factors": 2000,
    "consequences": 2000,
    "controls": 2000,
    "emergency_measures": 2000,
    "responsible_post": 40,
}
LONG_TEXT = {"hazard_factors", "consequences", "controls", "emergency_measures"}
EDITABLE = {*TEXT_LIMITS, "category", "control_level", "responsible_person", "area", "pin_x", "pin_y"}


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Risk points belong to a school."), field="unit")
    return unit


def _person(unit: Unit, person: Any, field: str = "responsible_person") -> Any:
    """A user holding an active role at the school (an id or a user); None stays None."""
    if person in (None, ""):
        return None
    from safecampus.accounts.models import User

    pk = getattr(person, "pk", person)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Invalid(_("Choose a person of this school."), field=field) from None
    if not Membership.objects.filter(user_id=pk, unit=unit, is_active=True).exists():
        raise Invalid(_("Choose a person of this school."), field=field)
    return User.objects.get(pk=pk)


def _clean_fields(unit: Unit, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise Invalid(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in TEXT_LIMITS:
            out[key] = clean_text(value, TEXT_LIMITS[key], key, multiline=key in LONG_TEXT)
        elif key == "category":
            if value not in Category.values:
                raise Invalid(_("Choose a category."), field="category")
            out[key] = value
        elif key == "control_level":
            if value not in ControlLevel.values:
                raise Invalid(_("Choose a control level."), field="control_level")
            out[key] = value
        elif key == "responsible_person":
            out[key] = _person(unit, value)
        elif key == "area":
            out[key] = _area(unit, value)
        elif key in ("pin_x", "pin_y"):
            out[key] = plan_fraction(value, key)
    if "name" in out and not out["name"]:
        raise Invalid(_("Please enter the risk point's name."), field="name")
    return out


def plan_fraction(value: Any, field: str) -> float | None:
    """A coordinate on the campus plan (0..1 of its width or height); empty stays None."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise Invalid(_("A pin lies on the plan (0 to 1)."), field=field)
    return number


def _area(unit: Unit, value: Any) -> Any:
    if value in (None, ""):
        return None
    from .models import PlanArea

    area = (
        PlanArea.objects.filter(pk=getattr(value, "pk", value), unit=unit).first()
        if str(getattr(value, "pk", value)).isdigit()
        else None
    )
    if area is None:
        raise Invalid(_("Choose an area of this school's plan."), field="area")
    return area


def _location_text(values: dict[str, Any]) -> str:
    parts = [values.get(k) or "" for k in ("building", "floor", "room", "outdoor_area")]
    return " ".join(p for p in parts if p)[:200]


def _apply_grade(point: RiskPoint, grade: Grade, policy: RiskPolicy) -> None:
    point.method = grade.method
    point.score = grade.score
    point.level = grade.level
    point.policy_version = policy.version
    point.lec_l = point.lec_e = point.lec_c = None
    point.ls_likelihood = point.ls_severity = None
    if grade.method == Method.LEC:
        point.lec_l, point.lec_e, point.lec_c = (
            policy.lec_l[policy.lec_l.index(_d(grade.factors["l"]))],
            policy.lec_e[policy.lec_e.index(_d(grade.factors["e"]))],
            policy.lec_c[policy.lec_c.index(_d(grade.factors["c"]))],
        )
    else:
        point.ls_likelihood = int(grade.factors["likelihood"])
        point.ls_severity = int(grade.factors["severity"])


def _d(value: float) -> Any:
    from decimal import Decimal

    return Decimal(str(value))


def _history(point: RiskPoint, grade: Grade, *, actor: Any, reason: str, previous: str = "") -> RiskGrading:
    row = RiskGrading(
        point=point,
        method=grade.method,
        factors=grade.factors,
        score=grade.score,
        level=grade.level,
        previous_level=previous,
        policy_version=point.policy_version,
        reason=reason,
        graded_by=actor if getattr(actor, "pk", None) else None,
    )
    row.set_unit(point.unit)
    row.save()
    return row


@transaction.atomic
def create_point(unit: Unit, *, actor: Any, method: Any, factors: dict[str, Any], **fields: Any) -> RiskPoint:
    """Identify a risk point at a school and grade it (draft until confirmed)."""
    _school(unit)
    require(actor, Perm.MANAGE_RISKS, unit)
    values = _clean_fields(unit, fields)
    for key in ("name", "category"):
        if not values.get(key):
            raise Invalid(
                _("Please enter the risk point's name.") if key == "name" else _("Choose a category."),
                field=key,
            )
    if not values.get("location"):
        values["location"] = _location_text(values)
    if not values["location"]:
        raise Invalid(_("Please say where the risk point is."), field="location")
    policy = risk_policy_for(unit)
    grade = policy.grade(method, factors)
    point = RiskPoint(**values, created_by=actor if getattr(actor, "pk", None) else None)
    point.set_unit(unit)
    if not point.control_level:
        point.control_level = policy.control_level.get(grade.level, ControlLevel.POST)
    _apply_grade(point, grade, policy)
    point.save()
    counts.changed(None, point)
    _history(point, grade, actor=actor, reason=GradingReason.IDENTIFIED)
    audit.record(actor, "risk.identified", point, after=point.snapshot())
    return point


def _locked(point: RiskPoint) -> RiskPoint:
    return RiskPoint.objects.select_for_update().select_related("unit").get(pk=point.pk)


@transaction.atomic
def update_point(point: RiskPoint, *, actor: Any, **fields: Any) -> RiskPoint:
    """Edit what a point is, where and who controls it (not its grade: see `grade_point`)."""
    point = _locked(point)
    require(actor, Perm.MANAGE_RISKS, point.unit)
    if point.status == Status.RETIRED:
        raise Conflict(_("A retired risk point cannot be changed; reopen it first."))
    values = _clean_fields(point.unit, fields)
    if "location" in values and not values["location"]:
        values["location"] = _location_text({**_current_location(point), **values})
        if not values["location"]:
            raise Invalid(_("Please say where the risk point is."), field="location")
    before = point.snapshot()
    changed = {k: v for k, v in values.items() if getattr(point, k) != v}
    if not changed:
        return point
    counted = counts.state(point)
    for key, value in changed.items():
        setattr(point, key, value)
    point.save()
    counts.changed(counted, point)
    audit.record(actor, "risk.updated", point, before=before, after=point.snapshot())
    return point


def _current_location(point: RiskPoint) -> dict[str, str]:
    return {k: getattr(point, k) for k in ("building", "floor", "room", "outdoor_area")}


@transaction.atomic
def grade_point(point: RiskPoint, *, actor: Any, method: Any, factors: dict[str, Any]) -> RiskPoint:
    """Grade a point again with the policy in force; the history keeps the earlier grading."""
    point = _locked(point)
    require(actor, Perm.MANAGE_RISKS, point.unit)
    if point.status == Status.RETIRED:
        raise Conflict(_("A retired risk point cannot be graded; reopen it first."))
    policy = risk_policy_for(point.unit)
    grade = policy.grade(method, factors)
    if point.status == Status.CONFIRMED and grade.level == Level.MAJOR and not has_plan(point):
        raise Invalid(_("A major risk needs a control plan first."), field="method")
    before, counted = point.snapshot(), counts.state(point)
    previous = point.level
    _apply_grade(point, grade, policy)
    if point.status == Status.CONFIRMED and previous != point.level:
        point.review_date = policy.review_date(point.level)
    point.save()
    counts.changed(counted, point)
    _history(point, grade, actor=actor, reason=GradingReason.REGRADED, previous=previous)
    audit.record(actor, "risk.graded", point, before=before, after=point.snapshot())
    return point


def has_plan(point: RiskPoint) -> bool:
    return ControlPlan.objects.filter(point=point).exists()


@transaction.atomic
def change_status(point: RiskPoint, action: str, *, actor: Any) -> RiskPoint:
    """Take one action of the transition table (compare-and-set on the status)."""
    if action not in TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    sources, target, perm = TRANSITIONS[action]
    point = _locked(point)
    require(actor, perm, point.unit)
    if point.status not in sources:
        raise Conflict(
            _("This action is not possible while the risk point is “%(status)s”.")
            % {"status": Status(point.status).label}
        )
    if target == Status.CONFIRMED and point.level == Level.MAJOR and not has_plan(point):
        raise Invalid(_("A major risk needs a control plan (measures, responsible person, review date) "
                        "before it can be confirmed."))  # fmt: skip
    before, counted = point.snapshot(), counts.state(point)
    updates: dict[str, Any] = {"status": target}
    if target == Status.CONFIRMED:
        updates["confirmed_at"] = timezone.now()
        updates["review_date"] = risk_policy_for(point.unit).review_date(point.level)
    moved = RiskPoint.objects.filter(pk=point.pk, status=point.status).update(**updates)
    if not moved:  # pragma: no cover - the row is locked above
        raise Conflict(_("The risk point changed meanwhile; please reload."))
    point.refresh_from_db()
    counts.changed(counted, point)
    audit.record(actor, VERBS[action], point, before=before, after=point.snapshot())
    return point


@transaction.atomic
def save_control_plan(
    point: RiskPoint, *, actor: Any, measures: Any, responsible_person: Any, review_date: Any
) -> ControlPlan:
    """Write (or rewrite) the control plan of a point."""
    import datetime as dt

    point = _locked(point)
    require(actor, Perm.MANAGE_RISKS, point.unit)
    text = clean_text(measures, 4000, "measures", multiline=True)
    if not text:
        raise Invalid(_("Please describe the control measures."), field="measures")
    person = _person(point.unit, responsible_person)
    if person is None:
        raise Invalid(_("Choose a person of this school."), field="responsible_person")
    if not isinstance(review_date, dt.date):
        raise Invalid(_("Enter the review date."), field="review_date")
    if review_date < timezone.localdate():
        raise Invalid(_("The review date cannot lie in the past."), field="review_date")
    plan = ControlPlan.objects.filter(point=point).first()
    before = plan.snapshot() if plan else None
    if plan is None:
        plan = ControlPlan(point=point)
        plan.set_unit(point.unit)
    plan.measures, plan.responsible_person, plan.review_date = text, person, review_date
    plan.save()
    audit.record(actor, "risk.plan_saved", point, before=before, after=plan.snapshot())
    return plan


@transaction.atomic
def record_review(point: RiskPoint, *, actor: Any, note: Any = "") -> RiskPoint:
    """The periodic review of a confirmed point is done: the next review date moves on."""
    point = _locked(point)
    require(actor, Perm.MANAGE_RISKS, point.unit)
    if point.status != Status.CONFIRMED:
        raise Conflict(_("Only confirmed risk points are reviewed."))
    text = clean_text(note, 500, "note", multiline=True)
    before = point.snapshot()
    point.review_date = risk_policy_for(point.unit).review_date(point.level)
    point.save(update_fields=["review_date", "updated_at"])
    audit.record(actor, "risk.reviewed", point, before=before, after={**point.snapshot(), "note": text})
    return point
