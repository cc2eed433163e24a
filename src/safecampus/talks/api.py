"""1530 safety talks API, mounted at `/api/v1/talks`.

- `GET /due?class_id=&date=` → the talks due on the day (today by default) for the class, or
  for every class the caller may record: `[{"class_id", "date", "kind", "minutes",
  "suggested_topic", "done"}]`; another school's class → 404.
- `POST ""` `{"client_id", "class_id", "date", "kind", "topic", "minutes", "note"}` → 201 the
  talk (200 the first one for a retry with the same client id); `400 {"detail", "field"}` for a
  day with no talk due (`date`), the wrong kind (`kind`), minutes under the kind's minimum
  (`minutes`), a class the caller does not teach (`class_id`); another school's class → 404;
  the class's talk of that day recorded already → 409.
- `GET ""?class_id=&month=YYYY-MM` → `{"items", "count"}` of the talks the caller reads.
- `GET /stats?unit=CODE[&from=YYYY-MM-DD&to=YYYY-MM-DD]` → `{"unit", "totals": {"due", "done",
  "on_day", "rate"}}` (the months of `from` and `to`, inclusive); `GET /stats/children?unit=` →
  the same per child unit (a school: per class, with `grade_id` and `class_id`).
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from safecampus.core import months
from safecampus.core.api import ERRORS, BoundedPagination, SafeText
from safecampus.core.places import unit_for
from safecampus.core.roles import Perm

from . import queries, services, stats
from .models import Talk

router = Router(tags=["talks"])


class TalkDueQuery(Schema):
    class_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Class id; all I may record when omitted."
    )
    date: dt.date | None = Field(None, description="The day (YYYY-MM-DD); today when omitted.")


class TalkDueOut(Schema):
    class_id: int
    date: dt.date
    kind: str = Field(description="daily | weekend | holiday")
    minutes: int = Field(description="The kind's minimum minutes.")
    suggested_topic: str
    done: bool


class TalkIn(Schema):
    client_id: SafeText | None = Field(None, description="A UUID made when the form opened.")
    class_id: int | None = Field(None, ge=1, le=2**31 - 1)
    date: SafeText | None = Field(None, description="YYYY-MM-DD; today when omitted.")
    kind: SafeText | None = Field(None, description="daily | weekend | holiday (the kind due).")
    topic: SafeText | None = None
    minutes: int | None = Field(None, ge=0, le=10_000)
    note: SafeText | None = None


class TalkOut(Schema):
    id: int
    class_id: int
    class_name: str
    unit: str
    date: dt.date
    kind: str
    topic: str
    minutes: int
    note: str
    has_photo: bool
    recorded_by: str | None
    recorded_at: dt.datetime
    on_day: bool


class TalkListQuery(Schema):
    class_id: int | None = Field(None, ge=1, le=2**31 - 1)
    month: str | None = Field(None, max_length=16, description="YYYY-MM")


class TalkStatsQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Unit code.")
    from_: str | None = Field(None, alias="from", max_length=16, description="First day (YYYY-MM-DD).")
    to: str | None = Field(None, max_length=16, description="Last day (YYYY-MM-DD).")


class TalkTotalsOut(Schema):
    due: int
    done: int
    on_day: int
    rate: float | None = Field(description="done ÷ due (0–1); null when nothing was due.")


class TalkStatsOut(Schema):
    unit: str
    name: str
    grade_id: int | None = None
    class_id: int | None = None
    totals: TalkTotalsOut


def talk_out(t: Talk) -> dict[str, Any]:
    return {
        "id": t.pk,
        "class_id": t.school_class_id,
        "class_name": str(t.school_class),
        "unit": t.unit.code,
        "date": t.date,
        "kind": t.kind,
        "topic": t.topic,
        "minutes": t.minutes,
        "note": t.note,
        "has_photo": bool(t.photo),
        "recorded_by": (t.recorded_by.name or t.recorded_by.username) if t.recorded_by_id else None,
        "recorded_at": t.recorded_at,
        "on_day": t.on_day,
    }


@router.get("/due", response={200: list[TalkDueOut], **ERRORS}, summary="Talks due on a day")
def due(request: HttpRequest, filters: Query[TalkDueQuery]) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    day = services.sane_date(filters.date or timezone.localdate())
    if filters.class_id is not None:
        classes = [queries.readable_class(user, filters.class_id, day)]
    else:
        classes = queries.recordable_classes(user, day)
    return [d.as_dict() for d in queries.due_for(classes, day)]


@router.post("", response={201: TalkOut, 200: TalkOut, **ERRORS}, summary="Record a 1530 talk")
def record(request: HttpRequest, body: TalkIn = None) -> tuple[int, dict[str, Any]]:  # type: ignore[assignment]
    user = request.auth  # type: ignore[attr-defined]
    body = body or TalkIn()
    talk, created = services.record(user, **body.dict())
    return (201 if created else 200), talk_out(talk)


@router.get("", response={200: list[TalkOut], **ERRORS}, summary="List 1530 talks")
@paginate(BoundedPagination)
def list_talks(request: HttpRequest, filters: Query[TalkListQuery]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    qs = queries.talks_visible(user).select_related("school_class__grade", "unit", "recorded_by")
    if filters.class_id is not None:
        qs = qs.filter(school_class=queries.readable_class(user, filters.class_id))
    month = months.parse(filters.month, "month")
    if month:
        qs = qs.filter(month=month)
    return [talk_out(t) for t in qs.order_by("-date", "school_class_id")[:5000]]


def _unit(user: Any, code: str) -> Any:
    return unit_for(user, Perm.VIEW_DUTIES, code=code)


@router.get("/stats", response={200: TalkStatsOut, **ERRORS}, summary="1530 statistics of a unit")
def unit_stats(request: HttpRequest, q: Query[TalkStatsQuery]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    unit = _unit(user, q.unit)
    start, end = stats.window(q.from_, q.to)
    return {"unit": unit.code, "name": unit.name, "totals": stats.read_one(unit, start, end).as_dict()}


@router.get(
    "/stats/children", response={200: list[TalkStatsOut], **ERRORS}, summary="1530 statistics per child"
)
def child_stats(request: HttpRequest, q: Query[TalkStatsQuery]) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    unit = _unit(user, q.unit)
    start, end = stats.window(q.from_, q.to)
    children = stats.children_of(unit)
    paths = {c.unit.pk: c.unit.path for c in children}
    figures = stats.read([c.key for c in children], paths, start, end)
    return [
        {
            "unit": c.unit.code,
            "name": c.name,
            "grade_id": c.key[1] or None,
            "class_id": c.key[2] or None,
            "totals": figures[c.key].as_dict(),
        }
        for c in children
    ]
