"""Training statistics' own filters, checked once for pages and API: the campaign (stage,
course) asked for at a place, the audience and the date range. The place itself (`?unit=`,
`?grade=`, `?class=`) is resolved by `core.places`, as for every module."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.places import Place
from safecampus.training.models import Audience, Campaign, Course, Stage

from .figures import Scope


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
