"""Evidence of presence: the patrol scans (patrols app) by a shift's person at the shift's school
within its window — how many, the first and last scan time and the checkpoints — read through
the access layer as the reader (`Scan.objects.visible_to`), in one query for any number of shifts.
Without the patrols app every shift has no scans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps

from .models import Shift


def empty() -> dict[str, Any]:
    return {"scans": 0, "first": None, "last": None, "points": []}


def evidence_for(shifts: Iterable[Shift], reader: Any) -> dict[int, dict[str, Any]]:
    """{shift id: {"scans", "first", "last", "points"}} for each of `shifts`."""
    shifts = list(shifts)
    out = {s.pk: empty() for s in shifts}
    if not shifts or not apps.is_installed("safecampus.patrols"):
        return out
    from safecampus.patrols.models import Scan

    scans = (
        Scan.objects.visible_to(reader)
        .filter(
            unit_id__in={s.unit_id for s in shifts},
            scanned_by_id__in={s.person_id for s in shifts},
            at__gte=min(s.start for s in shifts),
            at__lt=max(s.end for s in shifts),
        )
        .select_related("checkpoint")
        .order_by("at")
        .only("at", "unit_id", "scanned_by_id", "checkpoint__name")
    )
    by_person: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for scan in scans:
        by_person[(scan.unit_id, scan.scanned_by_id)].append(scan)
    for s in shifts:
        mine = [x for x in by_person.get((s.unit_id, s.person_id), ()) if s.start <= x.at < s.end]
        if mine:
            points = list(dict.fromkeys(x.checkpoint.name for x in mine))
            out[s.pk] = {"scans": len(mine), "first": mine[0].at, "last": mine[-1].at, "points": points}
    return out
