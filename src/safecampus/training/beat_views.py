"""The player's heartbeat endpoint: a batch of beats from the browser's queue, session-authenticated
and CSRF-protected. The body is checked whole before anything is applied: a malformed batch is
answered 400 with a translated message and nothing is written.

    POST /training/beats   {"beats": [{"id": "…", "lesson": 12, "position_s": 30.5, "at": "2026-…Z"}]}
    200 {"results": [{"id", "status", "duplicate", "reason", "lesson", "credited_s", "furthest_s",
                      "completed"}]}   (one per beat, in the order sent)
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import asdict
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .heartbeats import MAX_BATCH, BeatIn, record_heartbeats

BEAT_KEYS = {"id", "lesson", "position_s", "at"}
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAX_POSITION_S = 24 * 3600
MAX_LESSON_ID = 2**31 - 1


class Malformed(ValueError):
    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message, self.where = message, where


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_beat(item: Any, where: str) -> BeatIn:
    if not isinstance(item, dict):
        raise Malformed(_("Each heartbeat must be an object."), where)
    if set(item) != BEAT_KEYS:
        raise Malformed(_("A heartbeat has exactly the fields id, lesson, position_s and at."), where)
    client_id, lesson, position, at = item["id"], item["lesson"], item["position_s"], item["at"]
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise Malformed(_("A heartbeat id is 1 to 64 letters, digits or . _ : -."), f"{where}.id")
    if not isinstance(lesson, int) or isinstance(lesson, bool) or not 0 < lesson <= MAX_LESSON_ID:
        raise Malformed(_("The lesson must be a lesson number."), f"{where}.lesson")
    if not _number(position) or not math.isfinite(position) or not 0 <= position <= MAX_POSITION_S:
        raise Malformed(_("The position must be a number of seconds."), f"{where}.position_s")
    if not isinstance(at, str) or len(at) > 40:
        raise Malformed(_("The time must be an ISO 8601 time with its time zone."), f"{where}.at")
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise Malformed(_("The time must be an ISO 8601 time with its time zone."), f"{where}.at")
    return BeatIn(client_id=client_id, lesson_id=lesson, position_s=float(position), at=moment)


def parse_batch(body: bytes) -> list[BeatIn]:
    """The beats of a request body, or `Malformed` naming the first problem."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Malformed(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict) or set(data) != {"beats"} or not isinstance(data["beats"], list):
        raise Malformed(_('Send an object with a list of heartbeats: {"beats": […]}.'))
    items = data["beats"]
    if not items:
        raise Malformed(_("The list of heartbeats is empty."), "beats")
    if len(items) > MAX_BATCH:
        raise Malformed(_("Send at most %(n)s heartbeats at once.") % {"n": MAX_BATCH}, "beats")
    return [parse_beat(item, f"beats[{i}]") for i, item in enumerate(items)]


def _error(message: str, where: str = "", status: int = 400) -> JsonResponse:
    body = {"error": message}
    if where:
        body["field"] = where
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@require_POST
def beats(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error(_("Your session has ended. Please log in again."), status=401)
    if request.content_type != "application/json":
        return _error(_("Send the heartbeats as JSON (Content-Type: application/json)."), status=415)
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(_("Send at most %(n)s heartbeats at once.") % {"n": MAX_BATCH}, status=413)
    try:
        batch = parse_batch(body)
    except Malformed as exc:
        return _error(exc.message, exc.where)
    results = record_heartbeats(request.user, batch)
    payload = [
        {k: v for k, v in asdict(r).items() if k != "extra"} for r in results
    ]  # id, status, duplicate, reason, lesson, credited_s, furthest_s, completed
    return JsonResponse({"results": payload})
