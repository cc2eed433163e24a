"""Recount learning from the stored beats with the pure rule, and report any drift.

The stored progress must always equal what `credit.py` makes of the accepted beats (plus
classroom credit); `drift()` lists every row that does not.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .credit import Beat, Rules, credit_timeline
from .progress_models import BeatStatus, Heartbeat, LearnerClock, LessonProgress


def recount_learner(user_id: int, rules: Rules) -> dict[int, float]:
    """Credited seconds per lesson from the learner's accepted beats and classroom credit (and
    the credit of beats pruned by `pruning.py`, kept on the lesson's progress)."""
    pruned_at = LearnerClock.objects.filter(learner_id=user_id).values_list("pruned_at", flat=True).first()
    beats = [
        Beat(at, cid, lesson_id, pos)
        for at, cid, lesson_id, pos in Heartbeat.objects.filter(
            learner_id=user_id, status=BeatStatus.ACCEPTED
        )
        .values_list("at", "client_id", "lesson_id", "position_s")
        .iterator()
    ]
    credits = credit_timeline(beats, rules, previous=pruned_at)
    raw: dict[int, float] = defaultdict(float)
    for beat in beats:
        raw[beat.lesson_id] += credits[beat.key]
    totals = {}
    for row in LessonProgress.objects.filter(learner_id=user_id).select_related("lesson"):
        totals[row.lesson_id] = min(
            row.pruned_s + raw.get(row.lesson_id, 0.0) + row.classroom_s, float(row.lesson.duration_s)
        )
    return totals


def drift(rules: Rules | None = None, learners: list[int] | None = None) -> list[dict[str, Any]]:
    """Rows whose stored credited time differs from the recount (there must be none)."""
    from safecampus.core.policy import policy_for

    rules = rules or Rules.from_policy(policy_for(None))
    if learners is None:
        learners = list(LessonProgress.objects.values_list("learner_id", flat=True).distinct())
    out = []
    for user_id in learners:
        expected = recount_learner(user_id, rules)
        for row in LessonProgress.objects.filter(learner_id=user_id):
            if abs(row.credited_s - expected.get(row.lesson_id, 0.0)) > 1e-6:
                out.append({"learner": user_id, "lesson": row.lesson_id, "stored": row.credited_s,
                            "recount": expected.get(row.lesson_id, 0.0)})  # fmt: skip
    return out
