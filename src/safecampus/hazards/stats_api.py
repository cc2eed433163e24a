"""Hazard statistics API, mounted at `/api/v1/hazards/stats` (before the hazards router).

`GET stats?unit=CODE[&from=YYYY-MM][&to=YYYY-MM][&grade=][&category=][&source=]` answers the
totals of the unit's subtree and their split by status, grade, category, source and month;
`GET stats/children` the totals of each child unit. Definitions: `hazards.figures`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safecampus.core.api import ERRORS

from . import stats_access
from .figures import Summary, breakdown, month_label, summaries

router = Router(tags=["hazard statistics"])


class HazardStatsQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$", description="Unit code.")
    from_: str | None = Field(
        None, alias="from", pattern=r"^\d{4}-\d{2}$", description="First month of reporting (YYYY-MM)."
    )
    to: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="Last month of reporting (YYYY-MM).")
    grade: str | None = Field(None, max_length=20, description="general | major")
    category: str | None = Field(None, max_length=20, description="A risk category (as in /risks).")
    source: str | None = Field(None, max_length=20, description="How the hazard was found.")


class HazardFiguresOut(Schema):
    reported: int
    valid: int
    rejected: int
    closed: int
    closed_on_time: int
    closed_with_deadline: int
    on_spot: int
    open: int
    overdue: int | None
    closures: int
    rectification_rate: float | None
    on_time_rate: float | None


class HazardMonthOut(HazardFiguresOut):
    month: str


class HazardStatsOut(Schema):
    unit: str
    name: str
    totals: HazardFiguresOut
    by_status: dict[str, int]
    by_grade: dict[str, HazardFiguresOut]
    by_category: dict[str, HazardFiguresOut]
    by_source: dict[str, HazardFiguresOut]
    by_month: list[HazardMonthOut]


class HazardChildOut(Schema):
    unit: str
    name: str
    figures: HazardFiguresOut


def _resolve(request: HttpRequest, q: HazardStatsQuery) -> tuple[Any, Any]:
    place = stats_access.place(request.auth, q.unit)
    params = {"from": q.from_, "to": q.to, "grade": q.grade, "category": q.category, "source": q.source}
    return place, stats_access.window(params)


def _split(parts: dict[str, Summary]) -> dict[str, dict[str, Any]]:
    return {k: s.as_dict() for k, s in sorted(parts.items())}


@router.get("", response={200: HazardStatsOut, **ERRORS}, by_alias=True, summary="Hazard figures of a unit")
def hazard_stats(request: HttpRequest, q: Query[HazardStatsQuery]) -> dict[str, Any]:
    place, window = _resolve(request, q)
    b = breakdown(place.unit, window)
    return {
        "unit": place.unit.code,
        "name": place.unit.name,
        "totals": b.totals.as_dict(),
        "by_status": dict(b.totals.by_status),
        "by_grade": _split(b.by_grade),
        "by_category": _split(b.by_category),
        "by_source": _split(b.by_source),
        "by_month": [{"month": month_label(m), **s.as_dict()} for m, s in b.by_month.items()],
    }


@router.get(
    "/children",
    response={200: list[HazardChildOut], **ERRORS},
    by_alias=True,
    summary="Hazard figures of the child units",
)
def hazard_stats_children(request: HttpRequest, q: Query[HazardStatsQuery]) -> list[dict[str, Any]]:
    place, window = _resolve(request, q)
    children = stats_access.child_units(place.unit)
    figures = summaries(children, window)
    return [{"unit": c.code, "name": c.name, "figures": figures[c.pk].as_dict()} for c in children]
