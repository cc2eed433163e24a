"""Deadlines of rectification: reminders before, escalation after (seed 003: 逾期未整改 goes up).

`run(today)` is the periodic job. It reminds rectifiers whose deadline is near (policy
`hazards.remind_days_before`, per grade) and raises each overdue hazard to the overdue board of
the county, then the city, once it is overdue by the policy's days for that level and grade
(`hazards.escalate_after_days`). Escalation only rises, is written with a compare-and-set and
audited; notifications carry dedupe keys. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from safecampus.core import audit
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm

from .models import ESCALATION_ORDER, RUNNING_STATUSES, Escalation, Hazard
from .notices import _send, bureau_of, holders

LEVELS = (Escalation.COUNTY, Escalation.CITY)


@dataclass
class Result:
    reminded: int = 0
    escalated: int = 0


def level_due(policy: dict, grade: str, overdue_days: int) -> str:
    """The highest level whose threshold the hazard's overdue days have reached."""
    due = Escalation.SCHOOL
    if overdue_days <= 0:
        return due
    after = policy["escalate_after_days"][grade]
    for level in LEVELS:
        days = after.get(level.value)
        if days is not None and overdue_days >= int(days):
            due = level
    return due


def _escalate(hazard: Hazard, level: str, overdue: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        moved = Hazard.objects.filter(
            pk=hazard.pk, escalation=hazard.escalation, status=hazard.status
        ).update(escalation=level, escalated_at=now)
        if not moved:
            return False
        audit.record(None, "hazard.escalated", hazard, before={"escalation": hazard.escalation},
                     after={"escalation": level, "overdue_days": overdue})  # fmt: skip
        hazard.escalation = level
        bureau = bureau_of(hazard.unit, level)
        # Told in the same transaction: the escalation and its notice stand or fall together.
        _send(hazard, holders(Perm.SUPERVISE_HAZARDS, [bureau] if bureau else []),
              gettext_noop("Overdue hazard escalated: %(number)s, %(days)s days late"), f"escalated:{level}",
              days=overdue)  # fmt: skip
    return True


def run(today: dt.date | None = None) -> Result:
    today = today or timezone.localdate()
    now = timezone.now()
    result = Result()
    running = (
        Hazard.objects.filter(status__in=RUNNING_STATUSES, deadline__isnull=False)
        .select_related("unit")
        .order_by("unit_id", "id")
    )
    policies: dict[int, dict] = {}
    for hazard in running.iterator(chunk_size=500):
        if hazard.unit_id not in policies:
            policies[hazard.unit_id] = policy_for(hazard.unit, today).hazards
        policy = policies[hazard.unit_id]
        lead = int(policy["remind_days_before"][hazard.grade])
        if hazard.deadline - dt.timedelta(days=lead) <= today <= hazard.deadline and hazard.rectifier_id:
            result.reminded += _send(
                hazard, [hazard.rectifier_id], gettext_noop("Rectification due on %(date)s: %(number)s"),
                f"due:{hazard.deadline.isoformat()}", date=hazard.deadline.isoformat(),
            )  # fmt: skip
        overdue = hazard.overdue_days(today)
        level = level_due(policy, hazard.grade, overdue)
        if ESCALATION_ORDER[level] > ESCALATION_ORDER[hazard.escalation] and _escalate(
            hazard, level, overdue, now
        ):
            result.escalated += 1
    return result
