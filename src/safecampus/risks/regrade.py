"""A change of the risk policy never regrades silently.

`preview(unit)` grades every open point of the unit's subtree again with the policy now in
force at its school and lists those whose score or level would change; `apply(unit, ...)` does
exactly that on confirmation, one history row per point and one audit event per point and for
the whole run. A confirmed point that becomes major without a control plan returns to draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at, require

from . import counts
from .grading import RiskPolicy, risk_policy_for
from .models import GradingReason, Level, RiskPoint, Status
from .services import _apply_grade, _history, has_plan


@dataclass
class Change:
    point: RiskPoint
    old_level: str
    new_level: str
    old_score: Decimal
    new_score: Decimal
    old_version: str
    new_version: str
    back_to_draft: bool
    problem: str = ""  # the point cannot be graded by the new policy (a factor it no longer has)

    @property
    def old_label(self) -> str:
        return str(Level(self.old_level).label)

    @property
    def new_label(self) -> str:
        return str(Level(self.new_level).label)

    @property
    def level_changed(self) -> bool:
        return self.old_level != self.new_level


def may_regrade(actor: Any, unit: Unit) -> bool:
    return has_perm_at(actor, Perm.MANAGE_RISKS, unit) or has_perm_at(actor, Perm.MANAGE_POLICY, unit)


def _require(actor: Any, unit: Unit) -> None:
    if not has_perm_at(actor, Perm.MANAGE_POLICY, unit):
        require(actor, Perm.MANAGE_RISKS, unit)


def preview(unit: Unit) -> list[Change]:
    """Points of the unit's subtree whose grading would change under the policy in force."""
    policies: dict[int, RiskPolicy] = {}
    changes = []
    points = (
        RiskPoint.objects.filter(unit_path__startswith=unit.path)
        .exclude(status=Status.RETIRED)
        .select_related("unit")
        .order_by("unit_path", "pk")
    )
    plans = set(
        RiskPoint.objects.filter(unit_path__startswith=unit.path, control_plan__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for point in points:
        policy = policies.get(point.unit_id)
        if policy is None:
            policy = policies[point.unit_id] = risk_policy_for(point.unit)
        try:
            grade = policy.grade(point.method, point.factors())
        except Invalid as exc:  # a factor the new table no longer has: listed, left as it is
            changes.append(
                Change(point, point.level, point.level, point.score, point.score, point.policy_version,
                       policy.version, back_to_draft=False, problem=str(exc.message))
            )  # fmt: skip
            continue
        if grade.level == point.level and grade.score == point.score:
            continue
        changes.append(
            Change(
                point=point,
                old_level=point.level,
                new_level=grade.level,
                old_score=point.score,
                new_score=grade.score,
                old_version=point.policy_version,
                new_version=policy.version,
                back_to_draft=point.status == Status.CONFIRMED
                and grade.level == Level.MAJOR
                and point.pk not in plans,
            )
        )
    return changes


@transaction.atomic
def apply(unit: Unit, *, actor: Any, expected: list[int] | None = None) -> list[Change]:
    """Regrade what `preview` lists. `expected`: the point ids the actor saw; if the list
    changed meanwhile, nothing is applied (show the preview again)."""
    _require(actor, unit)
    changes = preview(unit)
    if expected is not None and sorted(expected) != sorted(c.point.pk for c in changes):
        raise Conflict(_("The list of changes is no longer the same; please look at the preview again."))
    policies: dict[int, RiskPolicy] = {}
    for change in changes:
        if change.problem:
            continue  # graded again by hand
        point = RiskPoint.objects.select_for_update().select_related("unit").get(pk=change.point.pk)
        policy = policies.get(point.unit_id) or risk_policy_for(point.unit)
        policies[point.unit_id] = policy
        grade = policy.grade(point.method, point.factors())
        before, counted = point.snapshot(), counts.state(point)
        previous = point.level
        _apply_grade(point, grade, policy)
        if point.status == Status.CONFIRMED:
            if point.level == Level.MAJOR and not has_plan(point):
                point.status = Status.DRAFT
                point.confirmed_at = None
            elif previous != point.level:
                point.review_date = policy.review_date(point.level)
        point.save()
        counts.changed(counted, point)
        _history(point, grade, actor=actor, reason=GradingReason.POLICY, previous=previous)
        audit.record(actor, "risk.policy_regraded", point, before=before, after=point.snapshot())
    audit.record(
        actor,
        "risk.policy_applied",
        unit,
        after={
            "points": [c.point.pk for c in changes],
            "levels_changed": sum(c.level_changed for c in changes),
        },
    )
    return changes
