"""What a statistics page, export or PDF is asked for: the place, the scope, the audience and the
date range, read once from the query string through `access` (404 alike for missing and not yours),
with the definitions and breadcrumbs every page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecampus.core.errors import Invalid
from safecampus.core.places import Place, can_view_unit, default_place, place_for
from safecampus.training.models import Campaign, ContentStatus, Course, Stage

from .access import audience_param, campaigns_at, date_range
from .access import scope_for as access_scope_for
from .figures import Scope
from .people import Window

MAX_ID = 2**31 - 1

# The definitions of figures.py, for people (shown on the dashboard and in the PDF).
DEFINITIONS = [
    (gettext_lazy("Target"), gettext_lazy(
        "People of the audience the unit is responsible for who fit the courses (students by school "
        "type and grade), counted within the area the campaign or course is offered in.")),
    (gettext_lazy("Participants"), gettext_lazy(
        "People who began learning in the scope (a first credited second or a passed quiz) on or before "
        "the end of the date range; new participants began within the range.")),
    (gettext_lazy("Learning time"), gettext_lazy(
        "Credited time within the date range; average = learning time ÷ participants.")),
    (gettext_lazy("Takings, completions, passes"), gettext_lazy(
        "People × courses begun, completed and passed by the end of the date range.")),
    (gettext_lazy("Participation rate"), gettext_lazy("Participants ÷ target.")),
    (gettext_lazy("Pass rate"), gettext_lazy("Passes ÷ takings.")),
    (gettext_lazy("Completion of target"), gettext_lazy(
        "Completions ÷ the sum over the courses of each course's target.")),
]  # fmt: skip


def _int(value: str | None) -> int | None:
    """An id from the query string; a malformed one names nothing (404)."""
    if value in (None, ""):
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise Http404
    return int(value)


@dataclass
class Ask:
    place: Place
    scope: Scope | None
    campaigns: list[Campaign]
    audience: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    errors: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def window(self) -> Window:
        assert self.scope is not None
        return Window(self.scope, self.audience, self.start, self.end)

    def params(self, **over: Any) -> dict[str, Any]:
        """The query parameters naming this page (place, scope, filters), with overrides."""
        p: dict[str, Any] = {"unit": self.place.unit.code}
        if self.place.grade and not self.place.school_class:
            p["grade"] = self.place.grade.pk
        if self.place.school_class:
            p["class"] = self.place.school_class.pk
        if self.scope:
            p["campaign"] = self.scope.campaign.pk
            if self.scope.stage:
                p["stage"] = self.scope.stage.pk
            if self.scope.course:
                p["course"] = self.scope.course.pk
        if self.audience:
            p["audience"] = self.audience
        if self.start:
            p["from"] = self.start.isoformat()
        if self.end:
            p["to"] = self.end.isoformat()
        p.update(over)
        return {k: v for k, v in p.items() if v not in (None, "")}

    def query(self, **over: Any) -> str:
        return urlencode(self.params(**over))

    def url(self, name: str, *args: Any, **over: Any) -> str:
        return f"{reverse(name, args=args)}?{self.query(**over)}"

    def place_query(self, link: dict[str, Any]) -> str:
        """The query of a child place (its own unit/grade/class) keeping the scope and filters."""
        return self.query(unit=link["unit"], grade=link.get("grade"), **{"class": link.get("class")})


def _date(q: Mapping[str, Any], name: str, errors: list[str]) -> dt.date | None:
    raw = (q.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        errors.append(_("“%(value)s” is not a date (YYYY-MM-DD); it was ignored.") % {"value": raw[:20]})
    return value


def resolve(request: HttpRequest) -> Ask:
    return resolve_query(request.user, request.GET)


def resolve_query(user: Any, q: Mapping[str, Any]) -> Ask:
    """The Ask of a query (`unit`, `grade`, `class`, `campaign`, `stage`, `course`, `audience`,
    `from`, `to`) for this user: pages, exports and background reports alike."""
    code = (q.get("unit") or "").strip()[:64]
    grade_id, class_id = _int(q.get("grade")), _int(q.get("class"))
    if code:
        place = place_for(user, code, grade_id=grade_id, class_id=class_id)
    elif grade_id or class_id:
        raise Http404
    else:
        place = default_place(user)
    campaigns = campaigns_at(place)
    campaign_id = _int(q.get("campaign")) or (campaigns[0].pk if campaigns else None)
    scope = None
    if campaign_id:
        scope = access_scope_for(user, place, campaign_id, _int(q.get("stage")), _int(q.get("course")))
    elif _int(q.get("stage")) or _int(q.get("course")):
        raise Http404  # a stage or course, and no campaign here it could belong to
    errors: list[str] = []
    try:
        audience = audience_param(q.get("audience"))
    except Invalid as exc:
        errors.append(str(exc.message))
        audience = None
    start, end = _date(q, "from", errors), _date(q, "to", errors)
    try:
        start, end = date_range(start, end)
    except Invalid as exc:
        errors.append(str(exc.message))
        start = end = None
    return Ask(place, scope, campaigns, audience, start, end, errors)


def breadcrumbs(user: Any, ask: Ask) -> list[dict[str, Any]]:
    """From the province down to the place; links where the user may read the figures."""
    place = ask.place
    crumbs = []
    for unit in [*place.unit.get_ancestors(), place.unit]:
        url = ask.url("stats:dashboard", unit=unit.code, grade=None, **{"class": None})
        crumbs.append({"label": unit.name, "url": url if can_view_unit(user, unit) else None})
    if place.grade is not None:
        url = ask.url("stats:dashboard", grade=place.grade.pk, **{"class": None})
        crumbs.append({"label": str(place.grade), "url": url if place.whole_unit else None})
    if place.school_class is not None:
        crumbs.append({"label": place.school_class.name, "url": ask.url("stats:dashboard")})
    return crumbs


def scope_choices(ask: Ask) -> dict[str, Any]:
    """Stages and courses of the chosen campaign for the filters form."""
    if ask.scope is None:
        return {"stages": [], "courses": []}
    campaign = ask.scope.campaign
    return {
        "stages": list(Stage.objects.filter(campaign=campaign).order_by("number")),
        "courses": list(
            Course.objects.filter(campaign=campaign)
            .exclude(status=ContentStatus.DRAFT)
            .order_by("order", "pk")
        ),
    }
