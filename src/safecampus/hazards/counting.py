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
from typing import Any

from django.utils import timezone

from safecampus.core.months import month_of
from safecampus.core.rollups import Change, Node

from .models import Resolution, Status


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def is_due(h: Any) -> bool:
    return h.status == Status.CLOSED and h.resolution != Resolution.ON_SPOT and h.deadline is not None


def is_on_time(h: Any) -> bool:
    return is_due(h) and h.submitted_at is not None and local_day(h.submitted_at) <= h.deadline


def contributions(h: Any) -> list[Change]:
    """What one hazard, as it is, counts in the cells of its school (and so of every ancestor)."""
    node = Node(h.unit_id, h.unit_path)
    counts = {"hazards": 1}
    if h.status == Status.CLOSED:
        counts.update(
            on_spot=int(h.resolution == Resolution.ON_SPOT), due=int(is_due(h)), on_time=int(is_on_time(h))
        )
    out: list[Change] = [(node, (month_of(h.reported_at), h.grade, h.category, h.source, h.status), counts)]
    if h.status == Status.CLOSED and h.closed_at is not None:
        out.append((node, (month_of(h.closed_at), h.grade, h.category, h.source, h.status), {"closures": 1}))
    return out


def changed(before: Any | None, after: Any) -> None:
    """Record the difference `after` − `before` as deltas (same transaction)."""
    from . import rollup

    rollup.changed(before, after)
