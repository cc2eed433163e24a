"""Review reminders through the inbox: due points remind their managers and responsible person once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safecampus.inbox.models import Notification
from safecampus.risks import services
from safecampus.risks.models import RiskPoint
from safecampus.risks.reminders import remind_reviews
from safecampus.risks.tasks import daily_review_reminders

from .samples import k1_points


def test_due_review_reminds_once(demo, principal):
    points = k1_points()
    point = points["moderate"]
    today = timezone.localdate()
    RiskPoint.objects.filter(pk=point.pk).update(review_date=today + dt.timedelta(days=3))
    sent = remind_reviews(today)
    assert sent >= 2  # the school's risk managers and the responsible person
    note = Notification.objects.get(user=principal, dedupe_key__startswith=f"risk-review:{point.pk}:")
    assert point.name in note.title_text and note.link == f"/risks/points/{point.pk}/"
    assert remind_reviews(today) == 0  # idempotent
    # Far from due: nothing.
    RiskPoint.objects.filter(pk=point.pk).update(review_date=today + dt.timedelta(days=40))
    assert remind_reviews(today) == 0
    # The periodic task runs the same (immediate mode in tests).
    assert daily_review_reminders.call_local() == 0


def test_review_done_moves_the_date(demo, principal):
    point = k1_points()["moderate"]
    RiskPoint.objects.filter(pk=point.pk).update(review_date=timezone.localdate())
    services.record_review(point, actor=principal, note="已复查")
    point.refresh_from_db()
    assert point.review_date == timezone.localdate() + dt.timedelta(days=180)
