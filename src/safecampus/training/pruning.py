"""Pruning old heartbeats by policy, keeping what crediting and the recount need.

Heartbeats are the largest table. Once a beat is older than `training.heartbeat_keep_days`
(of its region's policy, never less than `heartbeat.max_age_days` + 1, so no beat that may still
arrive can land next to a pruned one) and credited, it is folded into what remains:

- each lesson's progress keeps the pruned beats' credit (`pruned_s`) and furthest position
  (`pruned_furthest_s`): the recount adds the one, reachability of a late video beat starts
  from the other;
- the learner's clock keeps the latest pruned accepted beat (`pruned_at`): the predecessor of
  the oldest kept beat, from which that beat's credit is recounted.

Refused beats (skips) that old can never be accepted any more and go without a trace. Statistics
are untouched: they are recounted from learning days, not from beats. Work goes learner by
learner under the learner's clock lock, the lock crediting takes, so it never races a beat.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.core.policy import policy_for

from .progress_models import BeatStatus, Heartbeat, LearnerClock, LessonProgress

log = logging.getLogger(__name__)
LEARNERS_PER_PASS = 500


@dataclass
class PruneResult:
    learners: int = 0
    beats: int = 0


def keep_days(unit: Unit | None) -> int:
    """Days of beats kept in the region of `unit` (the platform's default when None)."""
    training = policy_for(unit).training
    return max(int(training["heartbeat_keep_days"]), int(training["heartbeat"]["max_age_days"]) + 1)


def _regions() -> list[tuple[Q, Unit | None]]:
    """Each province's beats (by their region key), then the beats of no known province."""
    provinces = list(Unit.objects.filter(depth=1).order_by("path"))
    out: list[tuple[Q, Unit | None]] = [(Q(unit_path__startswith=p.path), p) for p in provinces]
    rest = Q()
    for p in provinces:
        rest &= ~Q(unit_path__startswith=p.path)
    out.append((rest, None))
    return out


def prune_learner(learner_id: int, cutoff: dt.datetime) -> int:
    """Fold and delete one learner's credited beats older than `cutoff`; how many went."""
    with transaction.atomic():
        clock = LearnerClock.objects.select_for_update().filter(learner_id=learner_id).first()
        if clock is None:  # beats written without crediting (bulk loads): the clock keeps pruned_at
            LearnerClock.objects.get_or_create(learner_id=learner_id)
            clock = LearnerClock.objects.select_for_update().get(learner_id=learner_id)
        old = Heartbeat.objects.filter(learner_id=learner_id, at__lt=cutoff).exclude(
            status=BeatStatus.PENDING
        )
        accepted = old.filter(status=BeatStatus.ACCEPTED)
        per_lesson = accepted.values("lesson_id").annotate(s=Sum("credit_s"), f=Max("position_s"))
        rows = {
            r.lesson_id: r
            for r in LessonProgress.objects.filter(
                learner_id=learner_id, lesson_id__in=[p["lesson_id"] for p in per_lesson]
            )
        }
        for p in per_lesson:
            row = rows.get(p["lesson_id"])
            if row is not None:
                row.pruned_s += p["s"] or 0.0
                row.pruned_furthest_s = max(row.pruned_furthest_s, p["f"] or 0.0)
        LessonProgress.objects.bulk_update(rows.values(), ["pruned_s", "pruned_furthest_s"])
        latest = accepted.aggregate(at=Max("at"))["at"]
        if latest is not None and (clock.pruned_at is None or latest > clock.pruned_at):
            clock.pruned_at = latest
            clock.save(update_fields=["pruned_at"])
        deleted, _ = old.delete()
    return deleted


def prune_heartbeats(*, now: dt.datetime | None = None, limit: int | None = None) -> PruneResult:
    """Prune every region's old credited beats (at most `limit` learners, when given)."""
    now = now or timezone.now()
    result = PruneResult()
    for where, unit in _regions():
        cutoff = now - dt.timedelta(days=keep_days(unit))
        while limit is None or result.learners < limit:
            batch = LEARNERS_PER_PASS if limit is None else min(LEARNERS_PER_PASS, limit - result.learners)
            learners = list(
                Heartbeat.objects.filter(where, at__lt=cutoff)
                .exclude(status=BeatStatus.PENDING)
                .values_list("learner_id", flat=True)
                .distinct()[:batch]
            )
            if not learners:
                break
            for learner_id in learners:
                result.beats += prune_learner(learner_id, cutoff)
            result.learners += len(learners)
    if result.beats:
        log.info("pruned %s heartbeats of %s learners", result.beats, result.learners)
    return result
