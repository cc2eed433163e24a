"""The place a page is about: one resolver for pages, API, exports and PDFs.

A page names its place with `?unit=CODE` (a unit), optionally `&grade=ID` or `&class=ID` (a
grade or class of that school); with none, the user's own place. A unit is readable by who
holds the module's permission there (`perm`); a class also by who teaches it (the head-teacher
rule of `roster.teaching`, registered with `core.access`). Everything else — a unit of a sibling
county, a class of another teacher, a malformed code — answers 404, alike for missing and
forbidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .access import home_unit, is_root, signed_in, teaching
from .models import Unit
from .roles import Perm
from .scoping import has_perm_at
from .services import CODE_RE

MAX_ID = 2**31 - 1

# (unit id, grade id or 0, class id or 0): a node of the figures' tree.
NodeKey = tuple[int, int, int]


@dataclass(frozen=True)
class Place:
    """A node the user may read: a unit, or a grade or class of a school."""

    unit: Unit
    grade: Any = None  # roster.Grade
    school_class: Any = None  # roster.SchoolClass
    whole_unit: bool = True  # False: a head teacher who sees only their classes

    @property
    def key(self) -> NodeKey:
        return (
            self.unit.pk,
            self.grade.pk if self.grade else 0,
            self.school_class.pk if self.school_class else 0,
        )

    @property
    def name(self) -> str:
        if self.school_class is not None:
            return f"{self.unit.name} {self.school_class}"
        if self.grade is not None:
            return f"{self.unit.name} {self.grade}"
        return self.unit.name


def can_view_unit(user: Any, unit: Unit, perm: str = Perm.VIEW_TRAINING) -> bool:
    """May the user read `unit`'s records of `perm`'s domain (training figures by default)?"""
    return signed_in(user) and (is_root(user) or has_perm_at(user, perm, unit))


def unit_named(code: Any) -> Unit:
    """The active unit with this code; 404 for anything else (a NUL byte, which PostgreSQL
    refuses to compare, is not a code either)."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise Http404
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise Http404
    return unit


def unit_for(user: Any, perm: str, *, code: Any = None, pk: Any = None, school: bool = False) -> Unit:
    """The unit named by code or id where the user holds `perm` (a school only, with `school`);
    404 alike for missing and forbidden."""
    if code is not None:
        unit = unit_named(code)
    else:
        unit = Unit.objects.filter(pk=id_param(pk), is_active=True).first()
    if unit is None or (school and unit.is_bureau) or not can_view_unit(user, unit, perm):
        raise Http404
    return unit


def id_param(value: Any) -> int:
    """An id from a query string or form: anything but a positive integer names nothing (404)."""
    text = str(value if value is not None else "")
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise Http404
    return int(text)


def place_for(
    user: Any,
    code: str,
    *,
    grade_id: int | None = None,
    class_id: int | None = None,
    perm: str = Perm.VIEW_TRAINING,
) -> Place:
    """The place named by a unit code (and optionally a grade or class of that school) that the
    user may read (`perm` at the unit, or teaching the class)."""
    unit = unit_named(code)
    whole = can_view_unit(user, unit, perm)
    if class_id:
        school_class = apps.get_model("roster", "SchoolClass")
        klass = school_class.objects.filter(pk=class_id, unit=unit).select_related("grade").first()
        if klass is None or not (whole or teaching().teaches(user, klass)):
            raise Http404
        return Place(unit, klass.grade, klass, whole_unit=whole)
    if not whole:
        raise Http404
    if grade_id:
        grade = apps.get_model("roster", "Grade").objects.filter(pk=grade_id, unit=unit).first()
        if grade is None:
            raise Http404
        return Place(unit, grade)
    return Place(unit)


def my_classes(user: Any) -> list[Any]:
    """The classes the user teaches (an active head-teacher role at the school)."""
    return list(teaching().classes(user).select_related("grade", "unit"))


def default_place(user: Any, perm: str = Perm.VIEW_TRAINING, *, highest: bool = True) -> Place:
    """The highest unit where the user holds `perm` (the active or first one, without
    `highest`), else, for training, the first class they teach; 403 when there is none."""
    unit = home_unit(user, perm, highest=highest)
    if unit is not None:
        return Place(unit)
    taught = my_classes(user) if perm == Perm.VIEW_TRAINING else []
    if taught:
        k = taught[0]
        return Place(k.unit, k.grade, k, whole_unit=False)
    raise PermissionDenied


def place_from(user: Any, params: Mapping[str, Any], perm: str = Perm.VIEW_TRAINING, **kw: Any) -> Place:
    """The place of a request's `unit`, `grade` and `class` parameters, or the user's own."""
    code = params.get("unit")
    if not code:
        return default_place(user, perm, **kw)
    grade, klass = params.get("grade"), params.get("class")
    return place_for(
        user,
        code,
        grade_id=id_param(grade) if grade not in (None, "") else None,
        class_id=id_param(klass) if klass not in (None, "") else None,
        perm=perm,
    )
