"""The three-100% board's statistics (`three100`), declared with the core roll-up engine.

A fact is one school's `Three100Fact` row (see `defence.facts`): it counts 1 in `facts` and 1 in
each indicator it meets, for the school and every unit above it. `defence.facts.refresh` calls
`changed(before, after)` with `state(fact)` taken before the change, inside the change's
transaction. `facts` below is the independent recount behind reconcile and rebuild; the number
of schools (the rates' denominator) is counted from the org tree (`defence.board`), so a school
without any register counts as meeting nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Value

from safecampus.core.rollups import Change, Node, Rollup, register

from .stats_models import COUNTERS, KEY, Three100Cell, Three100Delta

INDICATORS = ("closed_management", "alarm_networked", "video_networked", "guards_staffed", "all_three")
_FIELDS = ("unit_id", "unit_path", *INDICATORS)


def state(fact: Any) -> SimpleNamespace:
    """What a fact counts by, as it is now (take it before changing it)."""
    return SimpleNamespace(**{k: getattr(fact, k) for k in _FIELDS})


def contributions(fact: Any) -> list[Change]:
    counts = {"facts": 1, **{k: int(bool(getattr(fact, k))) for k in INDICATORS}}
    return [(Node(fact.unit_id, fact.unit_path), (0,), counts)]


def facts(under: str | None) -> list[QuerySet]:
    from .models import Three100Fact

    rows = Three100Fact.objects.all()
    if under:
        rows = rows.filter(unit_path__startswith=under)
    return [
        rows.annotate(level=Value(0, output_field=IntegerField()))
        .values("unit_path", "unit_id", "level")
        .annotate(facts=Count("id"), **{k: Count("id", filter=Q(**{k: True})) for k in INDICATORS})
        .order_by()
    ]


def check(under: str | None) -> list[int]:
    """Schools whose stored fact row differs from what their register derives now."""
    from . import facts as derived

    return derived.drifted(under)


def refresh(under: str | None) -> int:
    from . import facts as derived

    return derived.refresh_all(under)


THREE100 = register(
    Rollup(
        name="three100",
        label="three 100%: closed management, alarm and video networked with the police, guards staffed",
        cell=Three100Cell,
        delta=Three100Delta,
        keys=KEY,
        counters=COUNTERS,
        facts=facts,
        contributions=contributions,
        check=check,
        refresh=refresh,
    )
)


def changed(before: Any | None, after: Any | None) -> int:
    return THREE100.changed(before, after)


def read(units: list[Any]) -> dict[int, dict[str, int]]:
    """{unit id: counters} of each unit's subtree (cells + pending deltas)."""
    found = THREE100.read([(u.pk, 0, 0) for u in units], {u.pk: u.path for u in units})
    return {unit_id: sums for (unit_id, _g, _k), sums in found.items()}
