"""Reading hazards: one door (`Hazard.objects.visible_to`, the model's access rule), then the
lists each person works from."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from safecampus.core.access import is_root, scope_paths
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at, scope_q

from .models import Escalation, Hazard, Status


def get_hazard_for(user: Any, hazard_id: int) -> Hazard:
    """404 alike for a missing hazard and another school's."""
    return get_object_or_404(Hazard.objects.visible_to(user).select_related("unit"), pk=hazard_id)


def visible_unit(user: Any, unit_id: int) -> Unit:
    """A unit within the user's scope where they may view hazards (404 alike otherwise)."""
    unit = Unit.objects.visible_to(user).filter(pk=unit_id).first()
    if unit is None or not has_perm_at(user, Perm.VIEW_HAZARDS, unit):
        raise Http404
    return unit


def in_unit(user: Any, unit: Unit) -> QuerySet[Hazard]:
    return Hazard.objects.visible_to(user).filter(unit_path__startswith=unit.path)


def todo_for(user: Any) -> QuerySet[Hazard]:
    """The rectifier's to-do list: hazards assigned to them that are not yet submitted."""
    return Hazard.objects.visible_to(user).filter(
        rectifier=user, status__in=(Status.ASSIGNED, Status.RECTIFYING)
    )


def to_confirm(user: Any) -> QuerySet[Hazard]:
    """New reports at the schools where the user manages hazards."""
    units = scope_paths(user, Perm.MANAGE_HAZARDS)
    return Hazard.objects.visible_to(user).filter(
        scope_q(units, "unit_path"), status__in=(Status.REPORTED, Status.CONFIRMED)
    )


def verify_queue(user: Any) -> QuerySet[Hazard]:
    """Submitted rectifications the user may verify: general ones at schools where they verify,
    major ones in the area where they accept for the bureau; never their own."""
    verify = scope_paths(user, Perm.VERIFY_HAZARDS)
    accept = scope_paths(user, Perm.ACCEPT_HAZARDS)
    q = Q(pk__in=[])
    if verify:
        q |= scope_q(verify, "unit_path") & Q(grade="general")
    if accept:
        q |= scope_q(accept, "unit_path") & Q(grade="major")
    if is_root(user):
        q = Q()
    return Hazard.objects.visible_to(user).filter(q, status=Status.SUBMITTED).exclude(rectifier=user)


def overdue_board(user: Any, bureau: Unit) -> QuerySet[Hazard]:
    """Hazards escalated to `bureau`'s level (or above) in its area, still not rectified. A school
    directly under a city reaches the city at the county step (it has no county)."""
    qs = in_unit(user, bureau).filter(status__in=(Status.ASSIGNED, Status.RECTIFYING))
    if bureau.kind == UnitKind.COUNTY:
        return qs.exclude(escalation=Escalation.SCHOOL)
    if bureau.kind == UnitKind.CITY:
        direct = Q(escalation=Escalation.COUNTY, unit__depth=bureau.depth + 1)
        return qs.filter(Q(escalation=Escalation.CITY) | direct)
    if bureau.kind == UnitKind.PROVINCE:
        return qs.filter(escalation=Escalation.CITY)
    return qs.exclude(escalation=Escalation.SCHOOL)
