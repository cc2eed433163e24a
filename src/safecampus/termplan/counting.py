"""The `termplans` roll-up: per unit and term, the schools' plans and their items' progress.

Definitions (the term is the plan's `term_key`):
- **plans**: term plans of the schools (one a school and term), **published**: of them published;
- **items**: the plans' items, **done**: items done (summarised ones included), **summarised**.

The seam with the services: after a change of a plan's status or of an item, the service calls
`plan_changed(before, plan)` / `item_changed(before, item)` inside its transaction, `before`
being the `snapshot` taken before the change (None for a new row). `facts` is the independent
recount (`safecampus rollups reconcile termplans`, rebuild).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Value

from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, TermPlanCell, TermPlanDelta

DONE = ("done", "summarised")


def snapshot(row: Any) -> SimpleNamespace:
    """What a plan or an item counts by, as it is now: take it before changing the row."""
    is_item = hasattr(row, "planned_on")
    return SimpleNamespace(
        is_item=is_item,
        unit_id=row.unit_id,
        unit_path=row.unit_path,
        term_key=row.term_key,
        status=row.status,
    )


def contributions(fact: Any) -> list[Change]:
    """What one plan or item (a model row or a `snapshot`) counts in its school's cells."""
    is_item = getattr(fact, "is_item", hasattr(fact, "planned_on"))
    if is_item:
        counts = {
            "items": 1,
            "done": int(fact.status in DONE),
            "summarised": int(fact.status == "summarised"),
        }
    else:
        counts = {"plans": 1, "published": int(fact.status == "published")}
    return [(Node(fact.unit_id, fact.unit_path), (fact.term_key,), counts)]


def facts(under: str | None) -> list[QuerySet]:
    """The recount from the TermPlan and PlanItem rows, by school and term."""
    from .models import PlanItem, TermPlan

    plans = TermPlan.objects.all()
    items = PlanItem.objects.all()
    if under:
        plans = plans.filter(unit_path__startswith=under)
        items = items.filter(unit_path__startswith=under)
    zero = Value(0, output_field=IntegerField())
    return [
        plans.values("unit_path", "unit_id", "term_key")
        .annotate(
            plans=Count("id"),
            published=Count("id", filter=Q(status="published")),
            items=zero,
            done=zero,
            summarised=zero,
        )
        .order_by(),
        items.values("unit_path", "unit_id", "term_key")
        .annotate(
            plans=zero,
            published=zero,
            items=Count("id"),
            done=Count("id", filter=Q(status__in=DONE)),
            summarised=Count("id", filter=Q(status="summarised")),
        )
        .order_by(),
    ]


TERMPLANS = register(
    Rollup(
        name="termplans",
        label="term safety plans by term: plans, published, items, done, summarised",
        cell=TermPlanCell,
        delta=TermPlanDelta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
    )
)


def changed(before: SimpleNamespace | None, row: Any) -> int:
    """Record the deltas of one change of a plan or item (`before`: its `snapshot`, None when new;
    `row` None when deleted) in the caller's transaction."""
    return TERMPLANS.changed(before, row)


def record_new(rows: list[Any]) -> int:
    """New plans and items at once (a plan built from a template): one insert of the deltas."""
    changes: list[Change] = []
    for row in rows:
        changes += contributions(row)
    return TERMPLANS.record(changes)
