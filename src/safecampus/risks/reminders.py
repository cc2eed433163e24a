"""Periodic review reminders (定期评估): a confirmed point whose review date is near or past
reminds its responsible person and the school's risk managers, through the inbox.

Each reminder carries a dedupe key made of the point and its review date, so running the job
again sends nothing new; a review done moves the date on, and the next reminder is a new one.
Texts are stored untranslated (`gettext_noop`) with parameters and shown in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from safecampus.core.roles import Perm
from safecampus.core.scoping import holders_of
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify

from .grading import risk_policy_for
from .models import RiskPoint, Status


def remind_reviews(today: dt.date | None = None) -> int:
    """Send the reminders due today; returns how many notifications were created."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=60)  # no policy reminds earlier than this
    due = (
        RiskPoint.objects.filter(status=Status.CONFIRMED, review_date__isnull=False, review_date__lte=horizon)
        .select_related("unit")
        .order_by("unit_id", "review_date")
    )
    by_unit: dict[int, list[RiskPoint]] = defaultdict(list)
    for point in due:
        by_unit[point.unit_id].append(point)
    sent = 0
    for points in by_unit.values():
        unit = points[0].unit
        policy = risk_policy_for(unit, today)
        window = today + dt.timedelta(days=policy.remind_days_before)
        managers = holders_of(Perm.MANAGE_RISKS, [unit])
        for point in points:
            if point.review_date > window:
                continue
            users = {*managers, *([point.responsible_person_id] if point.responsible_person_id else [])}
            overdue = point.review_date < today
            sent += notify(
                users,
                kind=NotificationKind.MESSAGE,
                title=gettext_noop("Risk review overdue: %(name)s")
                if overdue
                else gettext_noop("Risk review due: %(name)s"),
                body=gettext_noop("The risk point %(name)s (%(school)s) is due for its review on %(date)s."),
                params={"name": point.name, "school": unit.name, "date": point.review_date.isoformat()},
                link=reverse("risks:point", args=[point.pk]),
                dedupe_key=f"risk-review:{point.pk}:{point.review_date.isoformat()}:{int(overdue)}",
                unit=unit,
            )
    return sent
