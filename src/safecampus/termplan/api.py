"""Term safety plans API, mounted at `/api/v1/termplan`.

- `GET /plans?unit=CODE` → `{"items", "count"}`: the plans of the unit's subtree the caller reads
  (newest term first; `limit` ≤ 500), each with its progress; `GET /plans/{id}`: one plan with
  its months (theme, items).
- `GET /stats?unit=CODE[&term=20261]` → `{"unit", "name", "term", "totals": {"schools",
  "with_plan", "published", "items", "done", "summarised", "rate"}}` (the current term by
  default; rate = done ÷ items, 0–1, null when nothing is planned); `GET /stats/children` the
  same per child unit. From the `termplans` roll-up.
- `POST /items/{id}/done` `{"client_id", "note", "done_on"}` (or `/done/upload`, multipart with a
  `file`: a photo or a PDF) and `POST /items/{id}/summary`
  `{"client_id", "summary"}` → `201` (`200` for a retry with the same client id); bad input `400
  {"detail", "field"}`; a state that does not allow it `409`; another school's item `404`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, P, Path, Query, Router, Schema
from ninja.files import UploadedFile

from safecampus.core.api import ERRORS, MAX_ID, SafeText
from safecampus.core.errors import Invalid
from safecampus.core.places import place_for
from safecampus.core.roles import Perm

from . import queries, services, stats
from .models import PlanItem, TermPlan

router = Router(tags=["termplan"])

PlanId = Path[int, P(ge=1, le=MAX_ID, description="Term plan id.")]
ItemId = Path[int, P(ge=1, le=MAX_ID, description="Plan item id.")]
MAX_LIMIT = 500


class TermPlanQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Unit code (a school or a bureau).")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class TermPlanSummaryOut(Schema):
    id: int
    unit: str
    unit_name: str
    title: str
    term: str
    term_key: int
    term_start: dt.date
    term_end: dt.date
    status: str = Field(description="draft | published")
    items: int
    done: int
    summarised: int


class TermPlanListOut(Schema):
    items: list[TermPlanSummaryOut]
    count: int


class TermPlanItemOut(Schema):
    id: int
    kind: str = Field(description="meeting | training | drill | special_check | talk_topic | parent_letter")
    title: str
    planned_on: dt.date
    owner: str
    status: str = Field(description="planned | done | summarised")
    done_on: dt.date | None
    evidence_note: str
    has_file: bool
    summary: str
    schedule: int | None = Field(description="The linked check schedule, if one was created.")


class TermPlanMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    theme: str | None
    summary: str
    items: list[TermPlanItemOut]


class TermPlanDetailOut(TermPlanSummaryOut):
    months: list[TermPlanMonthOut]


class TermPlanStatsQuery(Schema):
    unit: str = Field(min_length=1, max_length=64, description="Unit code.")
    term: str | None = Field(None, max_length=8, description="Term key: year and 1 (autumn) or 2 (spring).")


class TermPlanTotalsOut(Schema):
    schools: int
    with_plan: int
    published: int
    items: int
    done: int
    summarised: int
    rate: float | None = Field(description="done ÷ items (0–1); null when nothing is planned.")


class TermPlanStatsOut(Schema):
    unit: str
    name: str
    term: int | None
    totals: TermPlanTotalsOut


class TermPlanDoneIn(Schema):
    client_id: SafeText | None = None
    note: SafeText = ""
    done_on: dt.date | None = None


class TermPlanSummaryIn(Schema):
    client_id: SafeText | None = None
    summary: SafeText = ""


def plan_out(p: TermPlan) -> dict[str, Any]:
    return {
        "id": p.pk, "unit": p.unit.code, "unit_name": p.unit.name, "title": p.title, "term": p.term_name,
        "term_key": p.term_key, "term_start": p.term_start, "term_end": p.term_end, "status": p.status,
        "items": getattr(p, "n_items", 0), "done": getattr(p, "n_done", 0),
        "summarised": getattr(p, "n_summarised", 0),
    }  # fmt: skip


def item_out(i: PlanItem) -> dict[str, Any]:
    return {
        "id": i.pk, "kind": i.kind, "title": i.text, "planned_on": i.planned_on, "owner": i.owner,
        "status": i.status, "done_on": i.done_on, "evidence_note": i.evidence_note,
        "has_file": bool(i.evidence_file), "summary": i.summary, "schedule": i.schedule_id,
    }  # fmt: skip


@router.get("/plans", response={200: TermPlanListOut, **ERRORS}, summary="Term plans of a unit's schools")
def list_plans(request: HttpRequest, q: Query[TermPlanQuery]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    unit = place_for(user, q.unit, perm=Perm.VIEW_DUTIES).unit
    qs = queries.plans(user).filter(unit_path__startswith=unit.path)
    count = qs.count()
    rows = queries.with_progress(qs.select_related("unit").order_by("-term_key", "unit_path", "id"))
    return {"items": [plan_out(p) for p in rows[q.offset : q.offset + q.limit]], "count": count}


@router.get("/plans/{term_plan_id}", response={200: TermPlanDetailOut, **ERRORS}, summary="One term plan")
def read_plan(request: HttpRequest, term_plan_id: PlanId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    plan = queries.plan_for(user, term_plan_id)
    plan = queries.with_progress(TermPlan.objects.filter(pk=plan.pk)).select_related("unit").get()
    months = [
        {"month": f"{m['month'] // 100:04d}-{m['month'] % 100:02d}",
         "theme": m["theme"].text if m["theme"] else None,
         "summary": m["theme"].summary if m["theme"] else "",
         "items": [item_out(i) for i in m["items"]]}
        for m in queries.months(plan)
    ]  # fmt: skip
    return {**plan_out(plan), "months": months}


def _stats(user: Any, q: TermPlanStatsQuery) -> tuple[Any, int | None]:
    unit = place_for(user, q.unit, perm=Perm.VIEW_DUTIES).unit
    return unit, stats.term_key_of(unit, q.term)


@router.get("/stats", response={200: TermPlanStatsOut, **ERRORS}, summary="Term plan figures of a unit")
def plan_stats(request: HttpRequest, q: Query[TermPlanStatsQuery]) -> dict[str, Any]:
    unit, key = _stats(request.auth, q)  # type: ignore[attr-defined]
    return {"unit": unit.code, "name": unit.name, "term": key, "totals": stats.read_one(unit, key).as_dict()}


@router.get(
    "/stats/children",
    response={200: list[TermPlanStatsOut], **ERRORS},
    summary="Term plan figures of the child units",
)
def plan_stats_children(request: HttpRequest, q: Query[TermPlanStatsQuery]) -> list[dict[str, Any]]:
    unit, key = _stats(request.auth, q)  # type: ignore[attr-defined]
    children = stats.child_units(unit)
    figures = stats.read(children, key)
    return [
        {"unit": c.code, "name": c.name, "term": key, "totals": figures[c.pk].as_dict()} for c in children
    ]


@router.post(
    "/items/{plan_item_id}/done",
    response={200: TermPlanItemOut, 201: TermPlanItemOut, **ERRORS},
    summary="Mark an item done",
)
def item_done(
    request: HttpRequest, plan_item_id: ItemId, payload: TermPlanDoneIn
) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    item = queries.item_for(user, plan_item_id)
    row, created = services.mark_done(item, actor=user, note=payload.note, done_on=payload.done_on,
                                      client_id=payload.client_id)  # fmt: skip
    return (201 if created else 200), item_out(row)


@router.post(
    "/items/{plan_item_id}/done/upload",
    response={200: TermPlanItemOut, 201: TermPlanItemOut, **ERRORS},
    summary="Mark an item done with a photo or PDF",
)
def item_done_upload(
    request: HttpRequest,
    plan_item_id: ItemId,
    file: File[UploadedFile] = None,  # type: ignore[assignment]  (a missing file is a 400 with its field)
    note: Form[SafeText | None] = None,
    done_on: Form[dt.date | None] = None,
    client_id: Form[SafeText | None] = None,
) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    item = queries.item_for(user, plan_item_id)
    if file is None and not services.replayed_done(item, client_id):
        raise Invalid(_("Choose a photo or a PDF document."), field="file")
    row, created = services.mark_done(
        item, actor=user, note=note, file=file, done_on=done_on, client_id=client_id
    )
    return (201 if created else 200), item_out(row)


@router.post(
    "/items/{plan_item_id}/summary",
    response={200: TermPlanItemOut, 201: TermPlanItemOut, **ERRORS},
    summary="Summarise an item",
)
def item_summary(
    request: HttpRequest, plan_item_id: ItemId, payload: TermPlanSummaryIn
) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    item = queries.item_for(user, plan_item_id)
    row, created = services.summarise(item, actor=user, summary=payload.summary, client_id=payload.client_id)
    return (201 if created else 200), item_out(row)
