"""The crediting rule, as pure functions: the same code credits live beats, recounts them and
builds demo progress.

A learner's accepted beats, sorted by (time, id) across all lessons, form one timeline. A beat
earns the wall-clock time since the previous beat of that timeline, if that gap is at most
`max_gap_s` (a longer silence means the viewer was away: a new viewing starts and earns
nothing). So two tabs or two lessons at once share the wall clock instead of doubling it, and
the result depends only on the set of beats, not the order they arrived in. A lesson's credited
time is the sum of its beats' credits, capped at the lesson's length.

A video beat is refused when its position lies beyond what the viewer could have reached: the
furthest point of the earlier accepted beats of that lesson plus `seek_rate` × the time since
the latest of them (at most `max_gap_s`) plus `seek_slack_s`. Accepting beats only widens what
is reachable, so beats refused for arriving before their predecessors are accepted once those
arrive (`heartbeats.reconsider`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rules:
    """The numbers of the rule; they come from the policy (`training.heartbeat`)."""

    max_gap_s: float
    seek_rate: float
    seek_slack_s: float

    @classmethod
    def from_policy(cls, policy: Any) -> Rules:
        hb = policy.training["heartbeat"]
        return cls(max_gap_s=hb["max_gap_s"], seek_rate=hb["seek_rate"], seek_slack_s=hb["seek_slack_s"])


@dataclass(frozen=True)
class Beat:
    at: dt.datetime
    client_id: str
    lesson_id: int
    position_s: float

    @property
    def key(self) -> tuple[dt.datetime, str]:
        return (self.at, self.client_id)


def earned(previous_at: dt.datetime | None, at: dt.datetime, rules: Rules) -> float:
    """Seconds a beat at `at` earns after the learner's previous accepted beat."""
    if previous_at is None:
        return 0.0
    gap = (at - previous_at).total_seconds()
    return gap if 0 <= gap <= rules.max_gap_s else 0.0


def reachable(earlier: Iterable[Beat], at: dt.datetime, rules: Rules, floor_s: float = 0.0) -> float:
    """The furthest position a video beat at `at` may report, given the earlier accepted beats of
    its lesson and the furthest point `floor_s` known from before them."""
    furthest = floor_s
    latest: dt.datetime | None = None
    for beat in earlier:
        furthest = max(furthest, beat.position_s)
        latest = beat.at if latest is None or beat.at > latest else latest
    since = rules.max_gap_s if latest is None else min((at - latest).total_seconds(), rules.max_gap_s)
    return furthest + max(since, 0.0) * rules.seek_rate + rules.seek_slack_s


def credit_timeline(
    beats: Iterable[Beat], rules: Rules, previous: dt.datetime | None = None
) -> dict[tuple[dt.datetime, str], float]:
    """Credit of every beat of one learner's accepted timeline (`previous`: the time of the beat
    before the first one, when earlier beats were pruned)."""
    credits: dict[tuple[dt.datetime, str], float] = {}
    for beat in sorted(beats, key=lambda b: b.key):
        credits[beat.key] = earned(previous, beat.at, rules)
        previous = beat.at
    return credits


def lesson_totals(beats: Iterable[Beat], rules: Rules, lengths: dict[int, float]) -> dict[int, float]:
    """Credited seconds per lesson for one learner's accepted beats (capped at each length)."""
    beats = list(beats)
    credits = credit_timeline(beats, rules)
    raw: dict[int, float] = {}
    for beat in beats:
        raw[beat.lesson_id] = raw.get(beat.lesson_id, 0.0) + credits[beat.key]
    return {lesson: min(total, lengths[lesson]) for lesson, total in raw.items()}
