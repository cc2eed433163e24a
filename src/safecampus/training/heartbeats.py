"""Heartbeats: every ~15 s of learning, applied exactly once (see `credit.py` for the rule).

`record_heartbeats` takes a batch as a phone or an offline queue sends it. Under the learner's
clock lock it sorts the batch by time, skips ids already seen (a replay gets the stored
outcome back), refuses what cannot be true (a lesson not offered to the learner, a time in the
future or too long ago, a position past the end — none of which is stored) and stores the rest,
accepted with its credit or refused as a skip ahead (kept, and accepted once the beats before
it arrive). A beat that lands between two accepted ones re-credits its successor, so the
stored credits always equal `credit.credit_timeline` of the accepted set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from safecampus.core.policy import policy_for

from .credit import Beat, Rules, earned, reachable
from .learner import learner_of
from .models import ContentStatus, Lesson, LessonKind
from .progress import ProgressBook
from .progress_models import BeatStatus, Heartbeat, LearnerClock, LessonProgress

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
    extra: dict[str, Any] = field(default_factory=dict)


def offered_lessons(user: Any, ids: set[int]) -> dict[int, Lesson]:
    qs = (
        Lesson.objects.offered_to(user)
        .filter(
            pk__in=ids,
            course__status=ContentStatus.PUBLISHED,
            course__campaign__status=ContentStatus.PUBLISHED,
        )
        .select_related("course__campaign", "unit")
    )
    return {lesson.pk: lesson for lesson in qs}


class Timeline:
    """One learner's accepted beats, read and changed under the clock lock."""

    def __init__(self, user: Any, clock: LearnerClock, book: ProgressBook, rules: Rules) -> None:
        self.user, self.clock, self.book, self.rules = user, clock, book, rules

    def _after_last(self, beat: Beat) -> bool:
        return self.clock.last_at is None or beat.key > (self.clock.last_at, self.clock.last_id)

    def _accepted(self) -> Any:
        return Heartbeat.objects.filter(learner=self.user, status=BeatStatus.ACCEPTED)

    def _before(self, beat: Beat) -> Q:
        return Q(at__lt=beat.at) | Q(at=beat.at, client_id__lt=beat.client_id)

    def may_reach(self, beat: Beat, lesson: Lesson, row: LessonProgress) -> bool:
        if lesson.kind != LessonKind.VIDEO:
            return True
        if row.last_at is None or (beat.at, beat.client_id) > (row.last_at, ""):
            # after every accepted beat of the lesson (the usual case): the row knows enough
            earlier = [Beat(row.last_at, "", lesson.pk, row.furthest_s)] if row.last_at else []
        else:
            agg = (
                self._accepted()
                .filter(self._before(beat), lesson=lesson)
                .aggregate(furthest=Max("position_s"), latest=Max("at"))
            )
            earlier = [Beat(agg["latest"], "", lesson.pk, agg["furthest"])] if agg["latest"] else []
        return beat.position_s <= reachable(earlier, beat.at, self.rules)

    def accept(self, beat: Beat, lesson: Lesson, row: LessonProgress, stored: Heartbeat | None) -> Heartbeat:
        if self._after_last(beat):
            previous_at, following = self.clock.last_at, None
        else:
            previous = self._accepted().filter(self._before(beat)).order_by("-at", "-client_id").first()
            previous_at = previous.at if previous else None
            following = (
                self._accepted()
                .filter(Q(at__gt=beat.at) | Q(at=beat.at, client_id__gt=beat.client_id))
                .order_by("at", "client_id")
                .first()
            )
        credit = earned(previous_at, beat.at, self.rules)
        if stored is None:
            stored = Heartbeat.objects.create(
                learner=self.user,
                client_id=beat.client_id,
                lesson=lesson,
                position_s=beat.position_s,
                at=beat.at,
                status=BeatStatus.ACCEPTED,
                credit_s=credit,
            )
        else:
            stored.status, stored.reason, stored.credit_s = BeatStatus.ACCEPTED, "", credit
            stored.save(update_fields=["status", "reason", "credit_s"])
        if following is not None:
            recredit = earned(beat.at, following.at, self.rules)
            if recredit != following.credit_s:
                change = recredit - following.credit_s
                Heartbeat.objects.filter(pk=following.pk).update(credit_s=recredit)
                other = row if following.lesson_id == lesson.pk else self._row_for(following.lesson_id)
                if other is not None:
                    self.book.add_raw(other, change, following.at)
        else:
            self.clock.last_at, self.clock.last_id = beat.at, beat.client_id
        if lesson.kind == LessonKind.VIDEO:
            row.furthest_s = max(row.furthest_s, beat.position_s)
        row.last_at = max(filter(None, [row.last_at, beat.at]))
        if row.position_at is None or beat.at >= row.position_at:
            row.position_s, row.position_at = beat.position_s, beat.at
        self.book.dirty.add(lesson.pk)
        self.book.add_raw(row, credit, beat.at)
        self.clock.beats += 1
        return stored

    def _row_for(self, lesson_id: int) -> LessonProgress | None:
        if lesson_id in self.book.lessons:
            return self.book.lessons[lesson_id]
        row = (
            LessonProgress.objects.filter(learner=self.user, lesson_id=lesson_id)
            .select_related("lesson__course")
            .first()
        )
        if row is not None:
            self.book.lessons[lesson_id] = row
        return row


def _clock(user: Any) -> LearnerClock:
    """The learner's clock, locked (created first on the learner's first beat)."""
    clock = LearnerClock.objects.select_for_update().filter(learner=user).first()
    if clock is None:
        LearnerClock.objects.get_or_create(learner=user)
        clock = LearnerClock.objects.select_for_update().get(learner=user)
    return clock


def record_heartbeats(user: Any, beats: list[BeatIn], *, now: dt.datetime | None = None) -> list[BeatResult]:
    """Apply a batch of beats for `user`; returns one result per beat, in the order given."""
    now = now or timezone.now()
    learner = learner_of(user)
    results: dict[str, BeatResult] = {}
    with transaction.atomic():
        clock = _clock(user)
        lessons = offered_lessons(user, {b.lesson_id for b in beats})
        seen = {
            cid: (status, reason)
            for cid, status, reason in Heartbeat.objects.filter(
                learner=user, client_id__in=[b.client_id for b in beats]
            ).values_list("client_id", "status", "reason")
        }
        book = ProgressBook(learner)
        policies: dict[int, Any] = {}  # unit id → policy, read once per batch
        rules: Rules | None = None
        touched: dict[int, Lesson] = {}
        for beat_in in sorted(beats, key=lambda b: (b.at, b.client_id)):
            cid = beat_in.client_id
            if cid in results:
                continue
            if cid in seen:
                status, reason = seen[cid]
                results[cid] = BeatResult(
                    id=cid, status=status, reason=reason, duplicate=True, lesson=beat_in.lesson_id
                )
                continue
            result = BeatResult(id=cid, status=BeatStatus.REFUSED, lesson=beat_in.lesson_id)
            results[cid] = result
            lesson = lessons.get(beat_in.lesson_id)
            audience = learner.audience_for(lesson.course) if lesson else None
            if lesson is None or audience is None:
                result.reason = "unknown_lesson"
                continue
            if lesson.unit_id not in policies:
                policies[lesson.unit_id] = policy_for(lesson.unit)
                book.use_policy(lesson.unit_id, policies[lesson.unit_id])
            policy = policies[lesson.unit_id].training["heartbeat"]
            rules = rules or Rules.from_policy(policies[lesson.unit_id])
            if beat_in.at > now + dt.timedelta(seconds=policy["future_skew_s"]):
                result.reason = "future"
                continue
            if beat_in.at < now - dt.timedelta(days=policy["max_age_days"]):
                result.reason = "too_old"
                continue
            if (
                lesson.kind == LessonKind.VIDEO
                and beat_in.position_s > lesson.duration_s + rules.seek_slack_s
            ):
                result.reason = "beyond_end"
                continue
            beat = Beat(beat_in.at, cid, lesson.pk, beat_in.position_s)
            timeline = Timeline(user, clock, book, rules)
            row = book.lesson_row(lesson, audience)
            if timeline.may_reach(beat, lesson, row):
                timeline.accept(beat, lesson, row, None)
                result.status = BeatStatus.ACCEPTED
                touched[lesson.pk] = lesson
            else:
                Heartbeat.objects.create(
                    learner=user,
                    client_id=cid,
                    lesson=lesson,
                    position_s=beat.position_s,
                    at=beat.at,
                    status=BeatStatus.REFUSED,
                    reason="skip",
                )
                result.reason = "skip"
        if rules is not None:
            for lesson in touched.values():
                if lesson.kind != LessonKind.VIDEO:
                    continue  # only video beats are refused as skips (`Timeline.may_reach`)
                _reconsider(Timeline(user, clock, book, rules), lesson, book.lessons[lesson.pk])
        book.flush()
        clock.save(update_fields=["last_at", "last_id", "beats"])
        for result in results.values():
            row = book.lessons.get(result.lesson) if result.lesson else None
            if row is None and result.lesson and result.reason != "unknown_lesson":
                row = LessonProgress.objects.filter(learner=user, lesson_id=result.lesson).first()
            if row is not None:
                result.credited_s = round(row.credited_s, 1)
                result.furthest_s = round(row.furthest_s, 1)
                result.completed = row.completed_at is not None
    return [results[b.client_id] for b in beats]


def _reconsider(timeline: Timeline, lesson: Lesson, row: LessonProgress) -> None:
    """Accept refused skips of `lesson` that the beats accepted now have made reachable."""
    changed = True
    while changed:
        changed = False
        for stored in Heartbeat.objects.filter(
            learner=timeline.user, lesson=lesson, status=BeatStatus.REFUSED
        ).order_by("at", "client_id"):
            beat = Beat(stored.at, stored.client_id, lesson.pk, stored.position_s)
            if timeline.may_reach(beat, lesson, row):
                timeline.accept(beat, lesson, row, stored)
                changed = True
