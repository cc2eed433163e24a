"""The patrol rules, in one place: the policy's numbers, the round's transition table, what a
round's scans make of it (status and flags), and the night-gap check of a boarding school.

Pure functions over plain values: `rounds` and `scanning` load the rows and write the results.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Conflict
from safecampus.core.policy import Policy, policy_for

from .models import RoundStatus

S = RoundStatus

# from status → the statuses a round may move to. A complete round stays complete; a lapsed one
# (incomplete, missed) may still be lifted by scans made in its window and synced late.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.COMPLETE, S.INCOMPLETE, S.MISSED}),
    S.MISSED: frozenset({S.INCOMPLETE, S.COMPLETE}),
    S.INCOMPLETE: frozenset({S.COMPLETE}),
    S.COMPLETE: frozenset(),
}


def check_transition(current: str, to: str) -> None:
    if to != current and to not in TRANSITIONS[current]:
        raise Conflict(_("A patrol round cannot go from %(a)s to %(b)s.") % {"a": current, "b": to})


def allowed(current: str, to: str) -> bool:
    return to == current or to in TRANSITIONS[current]


TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(value: Any) -> dt.time | None:
    m = TIME_RE.match(str(value or "").strip())
    return dt.time(int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Numbers:
    """The policy's patrol numbers for one school."""

    max_night_gap_minutes: int
    night_start: dt.time
    night_end: dt.time
    min_seconds_between: int
    tolerance: dt.timedelta
    max_skew: dt.timedelta
    max_age: dt.timedelta
    max_batch: int


def numbers(policy: Policy) -> Numbers:
    p = policy.patrols
    return Numbers(
        max_night_gap_minutes=int(float(p.max_night_gap_hours) * 60),
        night_start=parse_hhmm(p.night_start) or dt.time(22, 0),
        night_end=parse_hhmm(p.night_end) or dt.time(6, 0),
        min_seconds_between=int(p.min_seconds_between_checkpoints),
        tolerance=dt.timedelta(minutes=float(p.window_tolerance_minutes)),
        max_skew=dt.timedelta(minutes=float(p.max_clock_skew_minutes)),
        max_age=dt.timedelta(hours=float(p.max_scan_age_hours)),
        max_batch=int(p.max_batch),
    )


def numbers_for(unit: Any) -> Numbers:
    return numbers(policy_for(unit))


def default_numbers() -> Numbers:
    return numbers_for(None)


# ------------------------------------------------------------------------------------------
# What a round's scans make of it
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    id: int
    order: int


@dataclass(frozen=True)
class Hit:
    checkpoint_id: int
    at: dt.datetime


@dataclass
class Outcome:
    status: str
    scanned: int
    total: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    flags: dict[str, Any] = field(default_factory=dict)


def evaluate(
    *, points: Sequence[Point], hits: Iterable[Hit], due_end: dt.datetime, now: dt.datetime,
    ordered: bool, min_seconds: int,
) -> Outcome:  # fmt: skip
    """The round's status and flags from its scans (accepted ones, inside the window ± the
    tolerance): complete when every active checkpoint is scanned; past its due end incomplete,
    or missed with no scan at all; open otherwise. Flags: the checkpoints missing (once the round
    is over), a wrong order (ordered routes) and consecutive checkpoints scanned faster than
    `min_seconds` apart."""
    active = {p.id: p for p in points}
    first: dict[int, dt.datetime] = {}
    all_hits = sorted(hits, key=lambda h: h.at)
    for h in all_hits:
        if h.checkpoint_id in active and h.checkpoint_id not in first:
            first[h.checkpoint_id] = h.at
    sequence = sorted(first, key=lambda cid: first[cid])
    missing = [p.id for p in sorted(points, key=lambda p: (p.order, p.id)) if p.id not in first]
    over = now > due_end
    if active and not missing:
        status = S.COMPLETE
    elif over:
        status = S.INCOMPLETE if all_hits else S.MISSED
    else:
        status = S.OPEN
    flags: dict[str, Any] = {}
    if missing and status != S.OPEN:
        flags["missing"] = missing
    if ordered:
        orders = [(active[cid].order, cid) for cid in sequence]
        if orders != sorted(orders):
            flags["wrong_order"] = True
            flags["sequence"] = sequence
    fast = []
    for a, b in itertools.pairwise(sequence):
        seconds = int((first[b] - first[a]).total_seconds())
        if seconds < min_seconds:
            fast.append({"from": a, "to": b, "seconds": seconds})
    if fast:
        flags["too_fast"] = fast
    return Outcome(
        status=status,
        scanned=len(first),
        total=len(active),
        started_at=all_hits[0].at if all_hits else None,
        finished_at=max(first.values()) if status == S.COMPLETE else None,
        flags=flags,
    )


# ------------------------------------------------------------------------------------------
# Night gap of a boarding school
# ------------------------------------------------------------------------------------------


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def night_gap_minutes(windows: Iterable[str], night_start: dt.time, night_end: dt.time) -> int:
    """The longest stretch of the night (night_start → night_end, across midnight) in which no
    round starts: from the night's start to the first round, between consecutive rounds, and
    from the last one to the night's end."""
    day = 24 * 60
    start = _minutes(night_start)
    length = (_minutes(night_end) - start) % day or day
    offsets = sorted({(_minutes(t) - start) % day for t in (parse_hhmm(w) for w in windows) if t is not None})
    marks = [0, *(o for o in offsets if o < length), length]
    return max(b - a for a, b in itertools.pairwise(marks))


def night_gap_warning(route: Any, nums: Numbers) -> str | None:
    """A translated warning when a boarding route's rounds leave a night gap over the policy."""
    if not route.boarding:
        return None
    gap = night_gap_minutes(route.windows, nums.night_start, nums.night_end)
    if gap <= nums.max_night_gap_minutes:
        return None
    return _(
        "A boarding school patrols at night at least every %(max)s hours (%(start)s–%(end)s): these "
        "rounds leave a gap of %(gap)s hours."
    ) % {
        "max": f"{nums.max_night_gap_minutes / 60:g}",
        "start": nums.night_start.strftime("%H:%M"),
        "end": nums.night_end.strftime("%H:%M"),
        "gap": f"{gap / 60:g}",
    }
