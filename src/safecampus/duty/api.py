"""Duty rosters API, mounted at `/api/v1/duty`.

- `GET /today?unit=CODE` → who is on a leadership shift, duty and gate post now:
  `{"unit", "date", "leadership": [shift], "duty": [...], "gate": [...]}`; a shift is
  `{"id", "kind", "slot", "start", "end", "person": {"id", "name"}, "status", "taken_over_at",
  "handed_over_at", "evidence": {"scans", "first", "last", "points"}}`.
- `GET /shifts?unit=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD&mine=true` → `{"items", "count"}` (this
  week by default, at most 62 days, `limit` ≤ 500).
- `POST /shifts/{id}/take-over` and `/hand-over` `{"client_id", "note"}` → `200` the shift; the
  same client id again → `200` the same result.
- `POST /swaps` `{"shift", "to_person", "reason", "client_id"}` → `201` the swap (a retry `200`);
  `POST /swaps/{id}/approve` and `/reject` `{"note"}` → `200`; `GET /swaps?unit=CODE&status=`.

A unit where the caller holds `duties.view` reads all its shifts; a school where the caller works
reads their own shifts there. Anything else — another school's shift, a sibling county — is 404.
Bad input is `400 {"detail", "field"}` and changes nothing.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, SafeText
from safecampus.core.errors import Invalid

from . import queries, services, swaps
from .evidence import evidence_for
from .models import Kind, Shift, Swap, SwapStatus

router = Router(tags=["duty"])

ShiftId = Path[int, P(ge=1, le=MAX_ID, description="Duty shift id.")]
SwapId = Path[int, P(ge=1, le=MAX_ID, description="Shift swap id.")]
MAX_RANGE = 62


class PersonOut(Schema):
    id: int
    name: str


class EvidenceOut(Schema):
    scans: int = Field(description="Patrol scans by the person at the school within the shift.")
    first: dt.datetime | None
    last: dt.datetime | None
    points: list[str] = Field(description="The checkpoints scanned, in order of the first scan.")


class ShiftOut(Schema):
    id: int
    kind: str = Field(description="leadership | duty | gate")
    slot: str = Field(description="24h | day | evening | arrival | dismissal")
    date: dt.date
    post: str
    unit: str = Field(description="The school's code.")
    start: dt.datetime
    end: dt.datetime
    person: PersonOut
    status: str = Field(description="planned | on_duty | handed_over | missed")
    taken_over_at: dt.datetime | None
    take_over_note: str
    handed_over_at: dt.datetime | None
    hand_over_note: str
    evidence: EvidenceOut


class TodayOut(Schema):
    unit: str
    date: dt.date
    leadership: list[ShiftOut]
    duty: list[ShiftOut]
    gate: list[ShiftOut]


class ShiftFilter(Schema):
    unit: str | None = Field(None, max_length=64, description="Unit code; the caller's own by default.")
    from_: str | None = Field(None, alias="from", max_length=10, description="YYYY-MM-DD (this Monday).")
    to: str | None = Field(None, max_length=10, description="YYYY-MM-DD (this Sunday).")
    mine: bool = Field(False, description="Only my shifts.")


class UnitQuery(Schema):
    unit: str | None = Field(None, max_length=64, description="Unit code; the caller's own by default.")


class HandIn(Schema):
    client_id: SafeText | None = Field(None, description="A UUID made on the phone (idempotency key).")
    note: SafeText | None = Field(None, description="Up to 1,000 characters; required to hand over.")


class SwapIn(Schema):
    shift: Any = Field(None, description="The shift id (yours, planned, not started).")
    to_person: Any = Field(None, description="User id of a colleague of the same school.")
    reason: SafeText | None = None
    client_id: SafeText | None = None


class DecisionIn(Schema):
    note: SafeText | None = None


class SwapOut(Schema):
    id: int
    shift: ShiftOut
    from_person: PersonOut
    to_person: PersonOut
    reason: str
    status: str = Field(description="requested | approved | rejected")
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


def _person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.name} if user is not None else None


def shift_out(s: Shift, evidence: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "slot": s.slot,
        "date": s.date,
        "post": s.post,
        "unit": s.unit.code,
        "start": s.start,
        "end": s.end,
        "person": _person(s.person),
        "status": s.status,
        "taken_over_at": s.take_over_at,
        "take_over_note": s.take_over_note,
        "handed_over_at": s.hand_over_at,
        "hand_over_note": s.hand_over_note,
        "evidence": evidence,
    }


def shifts_out(shifts: list[Shift], reader: Any) -> list[dict[str, Any]]:
    ev = evidence_for(shifts, reader)
    return [shift_out(s, ev[s.pk]) for s in shifts]


def swap_out(w: Swap, reader: Any) -> dict[str, Any]:
    shift = Shift.objects.select_related("person", "unit").get(pk=w.shift_id)
    return {
        "id": w.pk,
        "shift": shifts_out([shift], reader)[0],
        "from_person": _person(w.from_person),
        "to_person": _person(w.to_person),
        "reason": w.reason,
        "status": w.status,
        "decided_by": _person(w.decided_by),
        "decided_at": w.decided_at,
        "decision_note": w.decision_note,
        "created_at": w.created_at,
    }


@router.get("/today", response={200: TodayOut, **ERRORS}, summary="Who is on duty now")
def today(request: HttpRequest, q: Query[UnitQuery]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    unit, _whole = queries.reader_unit(user, q.unit)
    now = timezone.now()
    shifts = shifts_out(list(queries.now_on(user, unit, now)), user)
    return {
        "unit": unit.code,
        "date": timezone.localdate(now),
        **{kind: [s for s in shifts if s["kind"] == kind] for kind in Kind.values},
    }


def _range(f: ShiftFilter) -> tuple[dt.date, dt.date]:
    today_ = timezone.localdate()
    monday = today_ - dt.timedelta(days=today_.weekday())
    start = services.parse_day(f.from_, "from") if f.from_ else monday
    end = services.parse_day(f.to, "to") if f.to else start + dt.timedelta(days=6)
    if end < start:
        raise Invalid(_("The end date is before the start date."), field="to")
    if (end - start).days >= MAX_RANGE:
        raise Invalid(_("Ask for at most %(n)s days at a time.") % {"n": MAX_RANGE}, field="to")
    return start, end


class _Lazy:
    def __init__(self, qs: Any, reader: Any) -> None:
        self.qs, self.reader = qs, reader

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return shifts_out(list(self.qs[key]), self.reader)


@router.get("/shifts", response={200: list[ShiftOut], **ERRORS}, summary="List duty shifts")
@paginate(BoundedPagination)
def list_shifts(request: HttpRequest, filters: Query[ShiftFilter]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    unit, _whole = queries.reader_unit(user, filters.unit)
    start, end = _range(filters)
    return _Lazy(queries.between(user, unit, start, end, mine=filters.mine), user)


@router.get("/shifts/{shift_id}", response={200: ShiftOut, **ERRORS}, summary="Read a duty shift")
def read_shift(request: HttpRequest, shift_id: ShiftId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return shifts_out([queries.get_shift_for(user, shift_id)], user)[0]


@router.post("/shifts/{shift_id}/take-over", response={200: ShiftOut, **ERRORS}, summary="Take over a shift")
def take_over(request: HttpRequest, shift_id: ShiftId, body: HandIn = None) -> dict[str, Any]:  # type: ignore[assignment]
    user = request.auth  # type: ignore[attr-defined]
    shift = queries.get_shift_for(user, shift_id)
    body = body or HandIn()
    shift = services.take_over(shift, actor=user, client_id=body.client_id, note=body.note)
    return shifts_out([Shift.objects.select_related("person", "unit").get(pk=shift.pk)], user)[0]


@router.post("/shifts/{shift_id}/hand-over", response={200: ShiftOut, **ERRORS}, summary="Hand over a shift")
def hand_over(request: HttpRequest, shift_id: ShiftId, body: HandIn = None) -> dict[str, Any]:  # type: ignore[assignment]
    user = request.auth  # type: ignore[attr-defined]
    shift = queries.get_shift_for(user, shift_id)
    body = body or HandIn()
    shift = services.hand_over(shift, actor=user, client_id=body.client_id, note=body.note)
    return shifts_out([Shift.objects.select_related("person", "unit").get(pk=shift.pk)], user)[0]


class SwapFilter(UnitQuery):
    status: SwapStatus | None = None


@router.get("/swaps", response={200: list[SwapOut], **ERRORS}, summary="List shift swaps")
@paginate(BoundedPagination)
def list_swaps(request: HttpRequest, filters: Query[SwapFilter]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    unit, _whole = queries.reader_unit(user, filters.unit)
    return [swap_out(w, user) for w in queries.swaps_at(user, unit, filters.status or "")[:500]]


@router.post("/swaps", response={200: SwapOut, 201: SwapOut, **ERRORS}, summary="Ask for a shift swap")
def create_swap(request: HttpRequest, body: SwapIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if isinstance(body.shift, bool) or not str(body.shift or "").isdigit():
        raise Invalid(_("Choose the shift to swap."), field="shift")
    shift = queries.get_shift_for(user, body.shift)  # another school's shift: 404
    key = services.client_key(body.client_id)
    retry = key is not None and Swap.objects.filter(client_id=key).exists()
    swap = swaps.request_swap(shift, actor=user, to_person=body.to_person, reason=body.reason, client_id=key)
    return (200 if retry else 201), swap_out(queries.get_swap_for(user, swap.pk), user)


def _decide(request: HttpRequest, swap_id: int, action: str, body: DecisionIn | None) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    swap = queries.get_swap_for(user, swap_id)
    swap = swaps.decide_swap(swap, actor=user, action=action, note=(body.note if body else "") or "")
    return swap_out(queries.get_swap_for(user, swap.pk), user)


@router.post("/swaps/{swap_id}/approve", response={200: SwapOut, **ERRORS}, summary="Approve a shift swap")
def approve_swap(request: HttpRequest, swap_id: SwapId, body: DecisionIn = None) -> dict[str, Any]:  # type: ignore[assignment]
    return _decide(request, swap_id, "approve", body)


@router.post("/swaps/{swap_id}/reject", response={200: SwapOut, **ERRORS}, summary="Reject a shift swap")
def reject_swap(request: HttpRequest, swap_id: SwapId, body: DecisionIn = None) -> dict[str, Any]:  # type: ignore[assignment]
    return _decide(request, swap_id, "reject", body)
