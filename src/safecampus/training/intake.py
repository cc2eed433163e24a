"""Receiving heartbeats: the checks a beat needs no lock for, and one idempotent insert.

A beat is refused and not stored when it cannot be true whoever sends it: a lesson that does
not exist or is not published, a time in the future or too long ago, a position past the end.
Everything else is stored once per (learner, client id) as `pending` by a single
`INSERT … ON CONFLICT DO NOTHING`; crediting (`heartbeats.credit_pending`, under the learner's
clock lock) decides later whether the learner is offered the lesson and whether a video beat
skips ahead. The same id sent again is answered from the stored row.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from safecampus.core.access import member_units
from safecampus.core.policy import cached_policy_for

from .models import ContentStatus, Lesson, LessonKind
from .progress_models import BeatStatus, Heartbeat, LessonProgress

MAX_BATCH = 500


@dataclass
class BeatIn:
    client_id: str
    lesson_id: int
    position_s: float
    at: dt.datetime


@dataclass
class BeatResult:
    id: str
    status: str  # accepted | refused
    duplicate: bool = False
    reason: str = ""  # skip | unknown_lesson | future | too_old | beyond_end
    lesson: int | None = None
    credited_s: float = 0.0
    furthest_s: float = 0.0
    completed: bool = False
    pending: bool = False  # stored, not credited yet (credited_s does not include it)
    extra: dict[str, Any] = field(default_factory=dict)


_LESSONS: dict[int, tuple[float, dict[str, Any]]] = {}
LESSON_CACHE_S = 60.0


def _lessons(ids: set[int]) -> dict[int, dict[str, Any]]:
    """Published lessons by id (kind, length, unit), kept in this process for a minute: crediting
    checks again under the lock that the lesson is published and offered to the learner."""
    now = time.monotonic()
    out = {pk: hit[1] for pk in ids if (hit := _LESSONS.get(pk)) and hit[0] > now}
    missing = ids - out.keys()
    if missing:
        if len(_LESSONS) > 50_000:
            _LESSONS.clear()
        for row in Lesson.objects.filter(
            pk__in=missing,
            course__status=ContentStatus.PUBLISHED,
            course__campaign__status=ContentStatus.PUBLISHED,
        ).values("pk", "kind", "duration_s", "unit_id"):
            _LESSONS[row["pk"]] = (now + LESSON_CACHE_S, row)
            out[row["pk"]] = row
    return out


def _refusal(beat: BeatIn, lesson: dict[str, Any] | None, now: dt.datetime) -> str:
    if lesson is None:
        return "unknown_lesson"
    policy = cached_policy_for(lesson["unit_id"]).training
    window = policy["heartbeat"]
    if beat.at > now + dt.timedelta(seconds=window["future_skew_s"]):
        return "future"
    if beat.at < now - dt.timedelta(days=window["max_age_days"]):
        return "too_old"
    if lesson["kind"] == LessonKind.VIDEO and beat.position_s > lesson["duration_s"] + window["seek_slack_s"]:
        return "beyond_end"
    return ""


def region_path(user: Any) -> str:
    """The region key stored on the learner's beats: the path of their highest-ranked unit."""
    units = member_units(user)
    return units[0].path if units else ""


def _insert(user: Any, beats: list[BeatIn]) -> set[str]:
    """Store the beats as pending, once each; the client ids stored now (the others were
    stored before)."""
    if not beats:
        return set()
    meta = Heartbeat._meta
    q = connection.ops.quote_name
    columns = ["learner_id", "unit_path", "client_id", "lesson_id", "position_s", "at", "received_at",
               "status", "reason", "credit_s"]  # fmt: skip
    received = connection.ops.adapt_datetimefield_value(timezone.now())
    path = region_path(user)
    params: list[Any] = []
    for b in beats:
        at = connection.ops.adapt_datetimefield_value(b.at)
        params += [user.pk, path, b.client_id, b.lesson_id, b.position_s, at, received,
                   BeatStatus.PENDING, "", 0.0]  # fmt: skip
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # identifiers from the model, every value bound as a parameter
    table, names, values = q(meta.db_table), ", ".join(q(c) for c in columns), ", ".join([row] * len(beats))
    sql = f"INSERT INTO {table} ({names}) VALUES {values} "  # noqa: S608
    sql += f"ON CONFLICT ({q('learner_id')}, {q('client_id')}) DO NOTHING RETURNING {q('client_id')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {r[0] for r in cursor.fetchall()}


def receive(user: Any, beats: list[BeatIn], *, now: dt.datetime | None = None) -> dict[str, BeatResult]:
    """Check and store a batch; one result per distinct client id (the first beat of an id wins)."""
    now = now or timezone.now()
    lessons = _lessons({b.lesson_id for b in beats})
    results: dict[str, BeatResult] = {}
    storable: list[BeatIn] = []
    for beat in beats:
        if beat.client_id in results:
            continue
        result = BeatResult(id=beat.client_id, status=BeatStatus.ACCEPTED, lesson=beat.lesson_id)
        results[beat.client_id] = result
        reason = _refusal(beat, lessons.get(beat.lesson_id), now)
        if reason:
            result.status, result.reason = BeatStatus.REFUSED, reason
        else:
            storable.append(beat)
    stored_now = _insert(user, storable)
    for beat in storable:
        result = results[beat.client_id]
        result.duplicate = beat.client_id not in stored_now
        result.pending = True
    return results


def answer(user: Any, results: dict[str, BeatResult], *, reread: bool) -> None:
    """Fill in what the stored rows say: each stored beat's status (when `reread`, or for
    duplicates) and each lesson's credited, furthest and completed as credited so far."""
    stored = [r.id for r in results.values() if r.pending and (reread or r.duplicate)]
    if stored:
        rows = Heartbeat.objects.filter(learner=user, client_id__in=stored).values_list(
            "client_id", "status", "reason"
        )
        found = {cid: (status, reason) for cid, status, reason in rows}
        for cid in stored:
            # crediting removes the beats of a lesson the learner is not offered
            status, reason = found.get(cid, (BeatStatus.REFUSED, "unknown_lesson"))
            result = results[cid]
            result.pending = status == BeatStatus.PENDING
            result.status = BeatStatus.ACCEPTED if result.pending else status
            result.reason = reason
    lessons = sorted({r.lesson for r in results.values() if r.lesson and r.reason != "unknown_lesson"})
    if not lessons:
        return
    # the lessons' progress so far, in one statement written out once (a hot path)
    sql = "SELECT lesson_id, credited_s, furthest_s, completed_at IS NOT NULL"
    sql += f" FROM {LessonProgress._meta.db_table} WHERE learner_id = %s"
    sql += f" AND lesson_id IN ({', '.join(['%s'] * len(lessons))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *lessons])
        progress = {row[0]: row[1:] for row in cursor.fetchall()}
    for result in results.values():
        row = progress.get(result.lesson)
        if row is not None and result.reason != "unknown_lesson":
            result.credited_s = round(row[0], 1)
            result.furthest_s = round(row[1], 1)
            result.completed = bool(row[2])
