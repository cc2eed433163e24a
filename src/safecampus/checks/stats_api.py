"""Check statistics API, mounted at `/api/v1/inspections/stats` (before the inspections router).

`GET stats?unit=CODE[&from=YYYY-MM][&to=YYYY-MM]` answers the totals of the unit's subtree in
the months (by default the current month); `GET stats/children` the totals of each child unit
(a county's schools: one grouped read of the cells). Rates are 0–1, null when nothing was due.
Definitions: `checks.counting`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from safecampus.core.api import ERRORS

from . import stats, stats_access

router = Router(tags=["inspection statistics"])


class InspectionStatsQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Unit code.")
    from_: str | None = Field(None, alias="from", max_length=16, description="First month (YYYY-MM).")
    to: str | None = Field(None, max_length=16, description="Last month (YYYY-MM).")


class InspectionTotalsOut(Schema):
    due: int = Field(description="Tasks settled (done or missed) due in the months.")
    done: int
    on_time: int
    missed: int
    completion_rate: float | None = Field(description="done ÷ due (0–1); null when nothing was due.")
    on_time_rate: float | None = Field(description="on time ÷ due (0–1); null when nothing was due.")
    failed_items: int
    hazards_raised: int


class InspectionStatsOut(Schema):
    unit: str
    name: str
    totals: InspectionTotalsOut


def _resolve(request: HttpRequest, q: InspectionStatsQuery) -> tuple[Any, stats_access.Months]:
    place = stats_access.place(request.auth, q.unit)
    return place, stats_access.window({"from": q.from_, "to": q.to})


@router.get("", response={200: InspectionStatsOut, **ERRORS}, summary="Check figures of a unit")
def inspection_stats(request: HttpRequest, q: Query[InspectionStatsQuery]) -> dict[str, Any]:
    place, months = _resolve(request, q)
    totals = stats.read_one(place.unit, months.start, months.end)
    return {"unit": place.unit.code, "name": place.unit.name, "totals": totals.as_dict()}


@router.get(
    "/children",
    response={200: list[InspectionStatsOut], **ERRORS},
    summary="Check figures of the child units",
)
def inspection_stats_children(request: HttpRequest, q: Query[InspectionStatsQuery]) -> list[dict[str, Any]]:
    place, months = _resolve(request, q)
    children = stats_access.child_units(place.unit)
    figures = stats.read(children, months.start, months.end)
    return [{"unit": c.code, "name": c.name, "totals": figures[c.pk].as_dict()} for c in children]
