"""An item's status and the school's minimum register, derived in one place from the policy
(`defence:` in the policy file): the least quantity of each kind, the cameras needed for "video
networked", the test interval of each kind.

Precedence of an item's status: failed (its last test failed, nothing passed since) → due (never
tested, or the last test is older than the kind's interval) → ok.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safecampus.core.policy import Policy, policy_for

from .models import Result, Status


@dataclass(frozen=True)
class DefencePolicy:
    min_counts: dict[str, int]
    min_cameras: int
    test_interval_days: dict[str, int]

    @classmethod
    def of(cls, policy: Policy) -> DefencePolicy:
        rules = dict(policy.get("defence") or {})
        return cls(
            min_counts={k: int(v) for k, v in dict(rules.get("min_counts") or {}).items()},
            min_cameras=max(1, int(rules.get("min_cameras", 1))),
            test_interval_days={
                k: max(1, int(v)) for k, v in dict(rules.get("test_interval_days") or {}).items()
            },
        )

    def interval(self, kind: str) -> int:
        return self.test_interval_days.get(kind, self.test_interval_days.get("default", 90))


def defence_policy(unit: Any, on: dt.date | None = None) -> DefencePolicy:
    return DefencePolicy.of(policy_for(unit, on))


def next_test_on(item: Any, rules: DefencePolicy) -> dt.date | None:
    """When the item's next test is due (None: never tested, due now)."""
    if item.last_test_on is None:
        return None
    return item.last_test_on + dt.timedelta(days=rules.interval(item.kind))


def derive(item: Any, rules: DefencePolicy, today: dt.date | None = None) -> str:
    """The status of one item in service today."""
    today = today or timezone.localdate()
    if item.last_result == Result.FAIL:
        return Status.FAILED
    due = next_test_on(item, rules)
    if due is None or due <= today:
        return Status.DUE
    return Status.OK


def shortfalls(held: dict[str, int], rules: DefencePolicy) -> list[tuple[str, int, int]]:
    """(kind, have, need) for each kind below the policy's minimum, `held` being the quantity in
    service of each kind."""
    return [(k, held.get(k, 0), n) for k, n in sorted(rules.min_counts.items()) if held.get(k, 0) < n]
