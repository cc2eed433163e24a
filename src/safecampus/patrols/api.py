"""Patrols API, mounted at `/api/v1/patrols`.

`POST /scans` takes a JSON array of `{"id": "<uuid made by the phone>", "checkpoint": "<code in
the QR>", "at": "<ISO time on the device>"}` (at most the policy's `max_batch`, 1000; more →
400) and answers one result per item, in order: `{"id", "result": "accepted" | "duplicate" |
"refused", "reason"?, "round"?}`. A replayed batch answers `duplicate` for every stored scan and
changes nothing.

`GET /rounds?unit=CODE&date=YYYY-MM-DD` lists the rounds of a unit's subtree on a day
(`{"items", "count"}`): route, window, status, scanned / total checkpoints and flags. A unit
that is missing or not yours answers 404 alike.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from safecampus.core import places
from safecampus.core.api import ERRORS, SafeText
from safecampus.core.errors import Invalid

from . import queries, scanning
from .perms import VIEW

router = Router(tags=["patrols"])


class PatrolScanResultOut(Schema):
    id: str
    result: str = Field(description="accepted | duplicate | refused")
    reason: str | None = Field(None, description="Why a scan was refused (translated).")
    round: int | None = Field(None, description="The round the scan counts for.")


SCAN_ITEM = {
    "type": "object",
    "required": ["id", "checkpoint", "at"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Made by the phone (idempotency key)."},
        "checkpoint": {"type": "string", "description": "The code printed in the checkpoint's QR label."},
        "at": {"type": "string", "format": "date-time", "description": "Device time of the scan."},
    },
}
SCAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "array", "maxItems": 1000, "items": SCAN_ITEM}}},
    }
}


@router.post(
    "/scans", response={200: list[PatrolScanResultOut], **ERRORS}, summary="Upload scans of checkpoints",
    openapi_extra=SCAN_BODY,
)  # fmt: skip
def post_scans(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    try:
        batch = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Invalid(_("The request body is not valid JSON."), field="scans") from None
    return scanning.record_scans(user, batch)


class PatrolRoundFilter(Schema):
    unit: SafeText = Field(description="Unit code.")
    date: dt.date | None = Field(None, description="YYYY-MM-DD; today by default.")
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class PatrolRoundOut(Schema):
    id: int
    unit: str
    unit_name: str
    route: int
    route_name: str
    window_start: dt.datetime
    due_end: dt.datetime
    status: str = Field(description="open | complete | incomplete | missed")
    scanned: int
    total: int
    flags: dict[str, Any] = Field(description="missing (checkpoint ids), wrong_order, too_fast")


class PatrolRoundsOut(Schema):
    items: list[PatrolRoundOut]
    count: int


def round_out(rnd: Any) -> dict[str, Any]:
    return {
        "id": rnd.pk, "unit": rnd.unit.code, "unit_name": rnd.unit.name, "route": rnd.route_id,
        "route_name": rnd.route.name, "window_start": rnd.window_start, "due_end": rnd.due_end,
        "status": rnd.status, "scanned": rnd.scanned, "total": rnd.total, "flags": rnd.flags or {},
    }  # fmt: skip


@router.get("/rounds", response={200: PatrolRoundsOut, **ERRORS}, summary="Rounds of a unit on a day")
def list_rounds(request: HttpRequest, filters: Query[PatrolRoundFilter]) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    unit = places.unit_for(user, VIEW, code=filters.unit)
    qs = queries.rounds_qs(user, unit, filters.date or timezone.localdate())
    page = queries.settled(list(qs[filters.offset : filters.offset + filters.limit]))
    return {"items": [round_out(r) for r in page], "count": qs.count()}
