"""Statistics deltas of the hazard loop, written in the same transaction as each change.

`changed(before, after)` is called once by `services.report` (before = None) and once by
`services.act`: it writes what the hazard now contributes to the cells minus what it
contributed before (`contributions`), so the cells follow every move — status, a grade changed
at confirmation, closure — and a hazard counts exactly once wherever it is. The roll-up job
folds the deltas in after the commit.

Definitions (see also docs/statistics.md, "Hazard statistics"):
- month: the month (Asia/Shanghai) the hazard was reported; `closures` alone use the month of
  closure;
- due: closed after an assignment with a deadline (on-the-spot fixes have none);
- on time: due, and the rectification that was verified was submitted on or before the
  deadline day (the verifier's lag does not count against the school).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from .models import Resolution, Status
from .stats_models import COUNTERS, HazardDelta

Key = tuple[int, str, str, str, str]  # month, grade, category, source, status


def month_of(moment: dt.datetime) -> int:
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.year * 100 + local.month


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def is_due(h: Any) -> bool:
    return h.status == Status.CLOSED and h.resolution != Resolution.ON_SPOT and h.deadline is not None


def is_on_time(h: Any) -> bool:
    return is_due(h) and h.submitted_at is not None and local_day(h.submitted_at) <= h.deadline


def contributions(h: Any) -> dict[Key, dict[str, int]]:
    """What one hazard, as it is, counts in the cells of its school."""
    out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    row = out[(month_of(h.reported_at), h.grade, h.category, h.source, h.status)]
    row["hazards"] = 1
    if h.status == Status.CLOSED:
        row["on_spot"] = int(h.resolution == Resolution.ON_SPOT)
        row["due"] = int(is_due(h))
        row["on_time"] = int(is_on_time(h))
        if h.closed_at is not None:
            out[(month_of(h.closed_at), h.grade, h.category, h.source, h.status)]["closures"] += 1
    return out


def changed(before: Any | None, after: Any) -> None:
    """Record the difference `after` − `before` as deltas of `after`'s school (same transaction)."""
    diff: dict[tuple[int, str, Key], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for h, sign in ((before, -1), (after, 1)):
        if h is None:
            continue
        for key, counts in contributions(h).items():
            row = diff[(h.unit_id, h.unit_path, key)]
            for name, value in counts.items():
                row[name] += sign * value
    rows = [
        HazardDelta(
            unit_id=unit_id,
            unit_path=path,
            **dict(zip(("month", "grade", "category", "source", "status"), key, strict=True)),
            **counts,
        )
        for (unit_id, path, key), counts in diff.items()
        if any(counts.values())
    ]
    if rows:
        HazardDelta.objects.bulk_create(rows)
        from safecampus.stats import signals

        from .tasks import schedule_rollup

        signals.after_commit(schedule_rollup)
