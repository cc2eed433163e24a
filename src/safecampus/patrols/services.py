"""Every change to routes, checkpoints and observations: permission, validation, write, audit.

Routes and checkpoints are managed by the school's safety office (`perms.MANAGE`); scans come
through `scanning.record_scans`; an observation at a checkpoint becomes a hazard through the
hazard loop's own service (`hazards.services.report`, source patrol).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid, InvalidFields
from safecampus.core.models import Unit, UnitKind
from safecampus.core.scoping import require
from safecampus.hazards import services as hazard_services
from safecampus.hazards.models import HazardPhoto, Source
from safecampus.risks.models import Category, PlanArea
from safecampus.risks.services import clean_text

from . import rounds, rules
from .models import Checkpoint, Observation, PatrolRoute
from .perms import MANAGE, SCAN

MAX_WINDOWS = 24
MAX_ROUND_MINUTES = 720


def clean_windows(value: Any) -> list[str]:
    """Round start times as sorted "HH:MM" strings: from a list, or text separated by commas,
    spaces or new lines."""
    if isinstance(value, str):
        value = value.replace("，", ",").replace(",", " ").split()
    if not isinstance(value, list | tuple):
        raise Invalid(_("Enter the round start times as HH:MM."), field="windows")
    out = set()
    for v in value:
        t = rules.parse_hhmm(v)
        if t is None:
            raise Invalid(_("“%(v)s” is not a time (HH:MM).") % {"v": str(v)[:10]}, field="windows")
        out.add(t.strftime("%H:%M"))
    if not out:
        raise Invalid(_("Give at least one round start time."), field="windows")
    if len(out) > MAX_WINDOWS:
        raise Invalid(_("At most %(n)s rounds a day.") % {"n": MAX_WINDOWS}, field="windows")
    return sorted(out)


def _int(value: Any, field: str, lo: int, hi: int, *, optional: bool = False) -> int | None:
    if optional and value in (None, ""):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Enter a whole number."), field=field) from None
    if not lo <= n <= hi:
        raise Invalid(_("Enter a number from %(lo)s to %(hi)s.") % {"lo": lo, "hi": hi}, field=field)
    return n


def clean_route(data: dict[str, Any]) -> dict[str, Any]:
    checks = {
        "name": lambda: clean_text(data.get("name"), 80, "name") or _raise(_("Name the route."), "name"),
        "windows": lambda: clean_windows(data.get("windows")),
        "round_minutes": lambda: _int(data.get("round_minutes", 60), "round_minutes", 5, MAX_ROUND_MINUTES),
        "min_seconds_between": lambda: _int(data.get("min_seconds_between"), "min_seconds_between", 0, 3600,
                                            optional=True),
        "ordered": lambda: bool(data.get("ordered", True)),
        "boarding": lambda: bool(data.get("boarding", False)),
        "active": lambda: bool(data.get("active", True)),
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


def _raise(message: str, field: str) -> Any:
    raise Invalid(message, field=field)


def _school(unit: Unit) -> Unit:
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Patrol routes belong to a school."), field="unit")
    return unit


@transaction.atomic
def create_route(unit: Unit, *, actor: Any, data: dict[str, Any]) -> PatrolRoute:
    _school(unit)
    require(actor, MANAGE, unit)
    route = PatrolRoute(**clean_route(data))
    route.set_unit(unit)
    route.save()
    audit.record(actor, "patrol.route_created", route, after=route.snapshot())
    rounds.ensure_rounds(route, timezone.localdate())
    return route


@transaction.atomic
def update_route(route: PatrolRoute, *, actor: Any, data: dict[str, Any]) -> PatrolRoute:
    require(actor, MANAGE, route.unit)
    before = route.snapshot()
    for k, v in clean_route(data).items():
        setattr(route, k, v)
    route.save()
    audit.record(actor, "patrol.route_changed", route, before=before, after=route.snapshot())
    # Today's rounds still to come follow the new windows; rounds already made keep theirs.
    rounds.ensure_rounds(route, timezone.localdate())
    return route


def _area(unit: Unit, value: Any) -> PlanArea | None:
    if value in (None, ""):
        return None
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        pk = 0
    area = PlanArea.objects.filter(pk=pk, plan__unit=unit).first() if 0 < pk < 2**31 else None
    if area is None:
        raise Invalid(_("Choose an area of this school's plan."), field="area")
    return area


def clean_checkpoint(unit: Unit, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    checks = {
        "name": lambda: clean_text(data.get("name"), 80, "name") or _raise(_("Name the checkpoint."), "name"),
        "location": lambda: clean_text(data.get("location"), 200, "location"),
        "area": lambda: _area(unit, data.get("area")),
        "active": lambda: bool(data.get("active", True)),
    }
    if data.get("order") not in (None, ""):
        checks["order"] = lambda: _int(data.get("order"), "order", 0, 999)
    for name, clean in checks.items():
        try:
            fields[name] = clean()
        except Invalid as exc:
            errors.setdefault(exc.field or name, exc.message)
    if errors:
        raise InvalidFields(errors)
    return fields


@transaction.atomic
def add_checkpoint(route: PatrolRoute, *, actor: Any, data: dict[str, Any]) -> Checkpoint:
    require(actor, MANAGE, route.unit)
    fields = clean_checkpoint(route.unit, data)
    if "order" not in fields:
        last = route.checkpoints.aggregate(m=Max("order"))["m"]
        fields["order"] = 1 if last is None else last + 1
    point = Checkpoint(route=route, **fields)
    point.set_unit(route.unit)
    point.save()
    audit.record(actor, "patrol.checkpoint_added", point, after=point.snapshot())
    _refresh_totals(route)
    return point


@transaction.atomic
def update_checkpoint(point: Checkpoint, *, actor: Any, data: dict[str, Any]) -> Checkpoint:
    require(actor, MANAGE, point.unit)
    before = point.snapshot()
    for k, v in clean_checkpoint(point.unit, data).items():
        setattr(point, k, v)
    point.save()
    audit.record(actor, "patrol.checkpoint_changed", point, before=before, after=point.snapshot())
    _refresh_totals(point.route)
    return point


def _refresh_totals(route: PatrolRoute) -> None:
    """The route's open rounds count its checkpoints as they are now."""
    from .models import RoundStatus

    rounds.recompute(list(route.rounds.filter(status=RoundStatus.OPEN)))


# ------------------------------------------------------------------------------------------
# An observation becomes a hazard
# ------------------------------------------------------------------------------------------


def _round_of(point: Checkpoint, value: Any) -> int | None:
    """A round of the checkpoint's route, or None (anything else is ignored)."""
    from .models import PatrolRound

    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return PatrolRound.objects.filter(pk=pk, route_id=point.route_id).values_list("pk", flat=True).first()


def observe(point: Checkpoint, *, actor: Any, data: dict[str, Any], photos: list[Any] = ()) -> Observation:
    """What the guard saw at `point` (a note, optional photo): a hazard reported through the hazard
    loop (source patrol, the checkpoint's place and map area) and the observation linking both.
    Once per `client_id`: a retry answers the observation made the first time."""
    require(actor, SCAN, point.unit)
    client_id = None
    if data.get("client_id") not in (None, ""):
        try:
            client_id = uuid.UUID(str(data.get("client_id")))
        except ValueError:
            raise Invalid(_("The client id must be a UUID."), field="client_id") from None
        done = Observation.objects.filter(observed_by=actor, client_id=client_id).first()
        if done is not None:
            return done
    note = clean_text(data.get("note"), 2000, "note", multiline=True)
    if not note:
        raise Invalid(_("Describe what you saw."), field="note")
    category = data.get("category") or Category.OTHER
    if category not in Category.values:
        raise Invalid(_("Choose a category."), field="category")
    place = point.name + (f" · {point.location}" if point.location else "")
    hazard, _created = hazard_services.report(point.unit, actor=actor, photos=list(photos), data={
        "client_id": str(client_id) if client_id else None, "source": Source.PATROL, "category": category,
        "location": place[:200], "description": note, "area": point.area_id,
    })  # fmt: skip
    with transaction.atomic():
        obs = Observation(
            client_id=client_id, checkpoint=point, round_id=_round_of(point, data.get("round")), note=note,
            hazard=hazard, observed_by=actor,
            photo=HazardPhoto.objects.filter(hazard=hazard).order_by("id").first(),
        )  # fmt: skip
        obs.set_unit(point.unit)
        obs.save()
        audit.record(actor, "patrol.observed", obs, after={"checkpoint": point.name, "hazard": hazard.number})
    return obs
