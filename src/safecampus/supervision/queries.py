"""Reading supervision records: through each model's access rule (`Model.objects.visible_to`).

A bureau's people who view hazards see the records of the schools in their area; at a school,
the hazard managers (principal, school admin, safety office) see their school's. Anyone else sees
nothing, and a record outside one's scope answers 404 alike with a missing one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from safecampus.core.access import scope_paths
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.hazards.models import Hazard

from .models import Letter

M = TypeVar("M", bound=Model)


def reader_paths(user: Any) -> list[str]:
    """Path prefixes the user reads supervision records under (`[""]`: everything)."""
    return scope_paths(user, Perm.MANAGE_HAZARDS, bureau_perm=Perm.VIEW_HAZARDS)


def get_for(user: Any, model: type[M], pk: int) -> M:
    obj = model.objects.visible_to(user).select_related("unit", "bureau").filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def can_read(user: Any, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in reader_paths(user))


def can_supervise(user: Any, unit: Unit) -> bool:
    return has_perm_at(user, Perm.SUPERVISE_HAZARDS, unit)


def readable_unit(user: Any, unit_id: int) -> Unit:
    """A unit (school or bureau) whose supervision records the user may read; 404 otherwise."""
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None or unit.kind == UnitKind.DEPARTMENT or not can_read(user, unit):
        raise Http404
    return unit


def supervised_school(user: Any, unit_id: Any) -> Unit:
    """A school the user supervises (404 alike for a missing school and one outside the area)."""
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise Http404 from None
    unit = Unit.objects.filter(pk=pk, kind=UnitKind.SCHOOL, is_active=True).first()
    if unit is None or not can_supervise(user, unit):
        raise Http404
    return unit


def home_unit(user: Any) -> Unit | None:
    """The unit the overview opens at: the user's highest unit where they read supervision."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.filter(depth=1).order_by("path").first()
    paths = reader_paths(user)
    return Unit.objects.filter(path__in=paths).order_by("depth", "path").first()


def supervised_schools(user: Any, bureau: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=bureau.path, kind=UnitKind.SCHOOL, is_active=True).order_by(
        "path"
    )


def open_hazards(user: Any, school: Unit) -> QuerySet[Hazard]:
    from safecampus.hazards.models import OPEN_STATUSES

    return (
        Hazard.objects.visible_to(user)
        .filter(unit=school, status__in=OPEN_STATUSES)
        .order_by("-grade", "-reported_at")
    )


def letters_naming(user: Any, hazard: Hazard) -> QuerySet[Letter]:
    return Letter.objects.visible_to(user).filter(hazards=hazard).order_by("-issued_at")
