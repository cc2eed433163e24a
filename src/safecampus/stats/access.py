"""Who may read which statistics, and the request's filters, checked once for pages and API.

A unit's figures need `training.view_progress` at the unit (bureaus and school managers see
their subtree); a head teacher may read the figures of the classes they teach (the one rule of
`roster.teaching`). Anything else — a unit of a sibling county, a class of another teacher, a
class of a former head teacher — is answered "not found", alike for missing and forbidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.core.services import CODE_RE
from safecampus.roster.models import Grade, SchoolClass
from safecampus.roster.teaching import classes_taught_by, teaches
from safecampus.training.models import Audience, Campaign, Course, Stage

from .figures import NodeKey, Scope


@dataclass(frozen=True)
class Place:
    """A node the user may read: a unit, or a grade or class of a school."""

    unit: Unit
    grade: Grade | None = None
    school_class: SchoolClass | None = None
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
    """May the user read the figures (of `perm`'s domain: training by default) of `unit`?"""
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_superuser or has_perm_at(user, perm, unit)
    )


def place_for(
    user: Any,
    code: str,
    *,
    grade_id: int | None = None,
    class_id: int | None = None,
    perm: str = Perm.VIEW_TRAINING,
) -> Place:
    """The place named by a unit code (and optionally a grade or class of that school) whose
    figures the user may read (`perm` at the unit: training figures by default)."""
    if not CODE_RE.match(code or ""):
        raise Http404  # not a code at all (e.g. a NUL byte, which PostgreSQL refuses to compare)
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise Http404
    whole = can_view_unit(user, unit, perm)
    if class_id:
        klass = SchoolClass.objects.filter(pk=class_id, unit=unit).select_related("grade").first()
        if klass is None or not (whole or teaches(user, klass)):
            raise Http404
        return Place(unit, klass.grade, klass, whole_unit=whole)
    if not whole:
        raise Http404
    if grade_id:
        grade = Grade.objects.filter(pk=grade_id, unit=unit).first()
        if grade is None:
            raise Http404
        return Place(unit, grade)
    return Place(unit)


def my_classes(user: Any) -> list[SchoolClass]:
    """The classes the user teaches (an active head-teacher role at the school, see
    `roster.teaching`)."""
    return list(classes_taught_by(user).select_related("grade", "unit"))


def scope_for(
    user: Any, place: Place, campaign_id: int, stage_id: int | None, course_id: int | None
) -> Scope:
    """The campaign (stage, course) when it is offered at or under the place, or seen by the
    user's bureau; 404 otherwise."""
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("unit").first()
    if campaign is None or not (
        place.unit.path.startswith(campaign.unit_path) or campaign.unit_path.startswith(place.unit.path)
    ):
        raise Http404
    stage = course = None
    if course_id:
        course = Course.objects.filter(pk=course_id, campaign=campaign).select_related("unit").first()
        if course is None:
            raise Http404
    if stage_id:
        stage = Stage.objects.filter(pk=stage_id, campaign=campaign).first()
        if stage is None or (course is not None and course.stage_id != stage.pk):
            raise Http404
    return Scope(campaign, None if course else stage, course)


def campaigns_at(place: Place) -> list[Campaign]:
    """Campaigns offered at the place (by it or above it) or run below it, newest first."""
    path = place.unit.path
    ancestors = [path[:i] for i in range(4, len(path) + 1, 4)]
    return list(
        Campaign.objects.filter(Q(unit_path__in=ancestors) | Q(unit_path__startswith=path))
        .exclude(status="draft")
        .order_by("-school_year", "-starts_on", "-id")
    )


def audience_param(value: str | None) -> str | None:
    if not value:
        return None
    if value not in Audience.values:
        raise Invalid(
            _("Unknown audience: choose one of %(list)s.") % {"list": ", ".join(Audience.values)},
            field="audience",
        )
    return value


def date_range(start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    if start and end and start > end:
        raise Invalid(_("The start date must not be after the end date."), field="from")
    return start, end
