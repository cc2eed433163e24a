"""Training statistics API, mounted at `/api/v1/training/stats`.

`GET stats?unit=CODE&campaign=ID[&stage=ID][&course=ID][&audience=A][&from=DATE][&to=DATE]`
answers the figures of the unit (optionally a grade or class of a school with `grade`/`class`);
`GET stats/children` the same for each child unit (or grade, or class). Definitions are in
`safecampus.training_stats.figures` and on the statistics pages.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safecampus.core.api import ERRORS, MAX_ID
from safecampus.core.places import place_for

from .access import audience_param, date_range, scope_for
from .children import child_places
from .figures import AUDIENCES, Figures, Report, report

router = Router(tags=["training statistics"])


class StatsQuery(Schema):
    unit: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9-]+$",
        description="Code of the unit (as in /org/units/).",
    )
    campaign: int = Field(ge=1, le=MAX_ID, description="Campaign id.")
    stage: int | None = Field(None, ge=1, le=MAX_ID, description="Only this stage.")
    course: int | None = Field(None, ge=1, le=MAX_ID, description="Only this course.")
    audience: str | None = Field(None, description="cadre | leader | staff | student | parent")
    grade: int | None = Field(None, ge=1, le=MAX_ID, description="A grade of the school (unit).")
    class_: int | None = Field(None, alias="class", ge=1, le=MAX_ID, description="A class of the school.")
    from_: dt.date | None = Field(None, alias="from", description="First day (inclusive).")
    to: dt.date | None = Field(None, description="Last day (inclusive).")


class FiguresOut(Schema):
    target: int
    participants: int
    new_participants: int
    learning_s: float
    average_s: float
    takings: int
    completions: int
    passes: int
    course_target: int
    participation_rate: float | None
    pass_rate: float | None
    completion_rate: float | None


class StatsOut(Schema):
    unit: str
    name: str
    grade: int | None
    class_: int | None = Field(None, alias="class")
    campaign: int
    stage: int | None
    course: int | None
    figures: FiguresOut
    by_audience: dict[str, FiguresOut]


class ChildOut(Schema):
    unit: str
    name: str
    grade: int | None
    class_: int | None = Field(None, alias="class")
    figures: FiguresOut


def _resolve(request: HttpRequest, q: StatsQuery) -> tuple[Any, Any, str | None, Any, Any]:
    place = place_for(request.auth, q.unit, grade_id=q.grade, class_id=q.class_)
    scope = scope_for(request.auth, place, q.campaign, q.stage, q.course)
    start, end = date_range(q.from_, q.to)
    return place, scope, audience_param(q.audience), start, end


def _by_audience(rep: Report, node: Any, audience: str | None) -> dict[str, dict[str, Any]]:
    wanted = [audience] if audience else AUDIENCES
    return {a: rep.of(node, a).as_dict() for a in wanted}


@router.get("", response={200: StatsOut, **ERRORS}, by_alias=True, summary="Figures of a unit")
def stats(request: HttpRequest, q: Query[StatsQuery]) -> dict[str, Any]:
    place, scope, audience, start, end = _resolve(request, q)
    rep = report(
        [place.key], scope, audience=audience, start=start, end=end, paths={place.unit.pk: place.unit.path}
    )
    return {
        "unit": place.unit.code,
        "name": place.name,
        "grade": place.grade.pk if place.grade else None,
        "class": place.school_class.pk if place.school_class else None,
        "campaign": scope.campaign.pk,
        "stage": scope.stage.pk if scope.stage else None,
        "course": scope.course.pk if scope.course else None,
        "figures": rep.of(place.key, audience).as_dict(),
        "by_audience": _by_audience(rep, place.key, audience),
    }


@router.get(
    "/children", response={200: list[ChildOut], **ERRORS}, by_alias=True, summary="Figures of child units"
)
def stats_children(request: HttpRequest, q: Query[StatsQuery]) -> list[dict[str, Any]]:
    place, scope, audience, start, end = _resolve(request, q)
    if not place.whole_unit:
        return []
    children = child_places(place, scope.campaign.school_year)
    rep = report([n for n, _name, _link in children], scope, audience=audience, start=start, end=end)
    return [
        {
            "unit": link["unit"],
            "name": name,
            "grade": node[1] or None,
            "class": node[2] or None,
            "figures": rep.of(node, audience).as_dict(),
        }
        for node, name, link in children
    ]


__all__ = ["Figures", "router"]
