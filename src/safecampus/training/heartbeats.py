"""Crediting heartbeats: every ~15 s of learning, applied exactly once (see `credit.py` for the rule).

Beats arrive through `intake.receive` (checked and stored once per client id as `pending`);
`credit_pending` then takes the learner's pending beats under the learner's clock lock, in time
order: a beat for a lesson the learner is not offered is dropped (answered `unknown_lesson`),
a video beat that skips beyond the furthest point watched is kept refused as a skip (and
accepted once the beats before it arrive), the rest are accepted with their credit. A beat that
lands between two accepted ones re-credits its successor, so the stored credits always equal
`credit.credit_timeline` of the accepted set, whatever the order of arrival.

`record_heartbeats` does both: at once (the player's endpoint: it answers with the outcome) or
with the crediting queued after commit (the mobile API: one insert per request, credited
within seconds by the Huey job `tasks.credit_beats`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from huey.contrib.djhuey import HUEY

from safecampus.core.policy import cached_policy_for
from safecampus.training_stats import signals as stats_signals

from .credit import Beat, Rules, earned, reachable
from .intake import MAX_BATCH, BeatIn, BeatResult, answer, receive

__all__ = ["MAX_BATCH", "BeatIn", "BeatResult", "credit_pending", "record_heartbeats"]
from .learner import learner_of
from .models import ContentStatus, Lesson, LessonKind
from .progress import ProgressBook
from .progress_models import BeatStatus, Heartbeat, LearnerClock, LessonProgress


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
        # beats pruned long ago (`pruning.py`) still count for how far the viewer got
        return beat.position_s <= reachable(earlier, beat.at, self.rules, floor_s=row.pruned_furthest_s)

    def accept(self, beat: Beat, lesson: Lesson, row: LessonProgress, stored: Heartbeat | None) -> Heartbeat:
        if self._after_last(beat):
            previous_at, following = self.clock.last_at, None
        else:
            previous = self._accepted().filter(self._before(beat)).order_by("-at", "-client_id").first()
            previous_at = previous.at if previous else self.clock.pruned_at  # or the last one pruned
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


def credit_pending(user: Any) -> int:
    """Credit `user`'s pending beats (see the module's docstring); returns how many were taken."""
    with transaction.atomic():
        clock = _clock(user)
        pending = list(
            Heartbeat.objects.filter(learner=user, status=BeatStatus.PENDING).order_by("at", "client_id")
        )
        if not pending:
            return 0
        learner = learner_of(user)
        lessons = offered_lessons(user, {b.lesson_id for b in pending})
        book = ProgressBook(learner)
        rules: Rules | None = None
        touched: dict[int, Lesson] = {}
        unoffered: list[int] = []
        for stored in pending:
            lesson = lessons.get(stored.lesson_id)
            audience = learner.audience_for(lesson.course) if lesson else None
            if lesson is None or audience is None:
                unoffered.append(stored.pk)
                continue
            policy = cached_policy_for(lesson.unit_id)
            book.use_policy(lesson.unit_id, policy)
            rules = rules or Rules.from_policy(policy)
            beat = Beat(stored.at, stored.client_id, lesson.pk, stored.position_s)
            timeline = Timeline(user, clock, book, rules)
            row = book.lesson_row(lesson, audience)
            if timeline.may_reach(beat, lesson, row):
                timeline.accept(beat, lesson, row, stored)
                touched[lesson.pk] = lesson
            else:
                stored.status, stored.reason = BeatStatus.REFUSED, "skip"
                stored.save(update_fields=["status", "reason"])
        if unoffered:
            Heartbeat.objects.filter(pk__in=unoffered).delete()
        if rules is not None:
            for lesson in touched.values():
                if lesson.kind != LessonKind.VIDEO:
                    continue  # only video beats are refused as skips (`Timeline.may_reach`)
                _reconsider(Timeline(user, clock, book, rules), lesson, book.lessons[lesson.pk])
        book.flush()
        clock.save(update_fields=["last_at", "last_id", "beats"])
    return len(pending)


def record_heartbeats(
    user: Any, beats: list[BeatIn], *, now: dt.datetime | None = None, inline: bool = True
) -> list[BeatResult]:
    """Receive a batch for `user` and credit it, at once (`inline`) or after commit through the
    queue; one result per beat, in the order given."""
    results = receive(user, beats, now=now)
    if inline:
        credit_pending(user)
    elif any(r.pending and not r.duplicate for r in results.values()):
        from . import tasks

        user_id = user.pk
        stats_signals.after_commit(lambda: tasks.queue_credit(user_id))
    answer(user, results, reread=inline or HUEY.immediate)
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
