"""The `notice_reach` roll-up: per node (a unit and every ancestor; a grade and a class at its
school) and notice, the receipts *read* and *confirmed*, declared with the core roll-up engine.

A fact is one `Receipt`: it counts 1 in `read` once read and 1 in `confirmed` once confirmed, at
the node where it was first written (the child's class for a parent, the pupil's class, the staff
member's unit) and every unit above. `receipts` writes the changes with `changed(before, after)`
in the reading's or confirming's own transaction; `facts` is the independent recount behind
`safecampus rollups reconcile notice_reach`.

The *recipients* are not facts of this roll-up: they are counted from the roster and the
memberships at read time (`notices.audience.recipient_counts`), so that publishing writes nothing
per recipient and the figure is exact whatever moved since. A receipt stays counted where it was
given; a rate above 1 (a pupil who confirmed and then moved class) is shown as 1.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, ReachCell, ReachDelta

_FIELDS = ("unit_id", "unit_path", "grade_id", "class_id", "notice_id", "read_at", "confirmed_at")


def state(receipt: Any) -> SimpleNamespace:
    """What a receipt counts by, as it is now (take it before changing it)."""
    return SimpleNamespace(**{k: getattr(receipt, k) for k in _FIELDS})


def contributions(receipt: Any) -> list[Change]:
    node = Node(receipt.unit_id, receipt.unit_path, receipt.grade_id or 0, receipt.class_id or 0)
    counts = {"read": int(receipt.read_at is not None), "confirmed": int(receipt.confirmed_at is not None)}
    return [(node, (receipt.notice_id,), counts)]


def facts(under: str | None) -> list[QuerySet]:
    from .models import Receipt

    rows = Receipt.objects.all()
    if under:
        rows = rows.filter(unit_path__startswith=under)
    one = Value(1, output_field=IntegerField())
    zero = Value(0, output_field=IntegerField())
    return [
        rows.annotate(
            read=Case(When(read_at__isnull=False, then=one), default=zero),
            confirmed=Case(When(confirmed_at__isnull=False, then=one), default=zero),
        )
        .values("unit_path", "unit_id", "grade_id", "class_id", "notice_id", "read", "confirmed")
        .order_by()
    ]


REACH = register(
    Rollup(
        name="notice_reach",
        label="notices: receipts read and confirmed per notice",
        cell=ReachCell,
        delta=ReachDelta,
        classes=True,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def changed(before: Any | None, after: Any | None) -> int:
    return REACH.changed(before, after)


def read(
    notice_id: int, nodes: list[tuple[int, int, int]], paths: dict[int, str]
) -> dict[tuple, dict[str, int]]:
    """{(unit_id, grade_id, class_id): {"read", "confirmed"}} of the notice (cells + pending)."""
    found = REACH.read(nodes, paths, where={"notice_id": notice_id})
    return {(u, g, k): sums for (u, g, k, *_rest), sums in found.items()}
