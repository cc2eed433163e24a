"""The child nodes of a place: units under a bureau, grades of a school, classes of a grade."""

from __future__ import annotations

from typing import Any

from safecampus.core.models import Unit
from safecampus.core.places import Place
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import Grade, SchoolClass

from .figures import NodeKey


def child_places(place: Place, school_year: int | None = None) -> list[tuple[NodeKey, str, dict[str, Any]]]:
    """(node, name, link parameters) of each child of the place, in display order."""
    if place.school_class is not None:
        return []
    unit = place.unit
    if place.grade is not None:
        classes = SchoolClass.objects.filter(grade=place.grade).order_by("number")
        return [
            ((unit.pk, place.grade.pk, c.pk), str(c), {"unit": unit.code, "class": c.pk}) for c in classes
        ]
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).order_by("path")
    )
    if children:
        return [((c.pk, 0, 0), c.name, {"unit": c.code}) for c in children]
    year = school_year or current_school_year()
    grades = Grade.objects.filter(unit=unit, school_year=year).order_by("level")
    return [((unit.pk, g.pk, 0), str(g), {"unit": unit.code, "grade": g.pk}) for g in grades]
