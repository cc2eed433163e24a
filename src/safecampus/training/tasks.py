"""Background jobs of training: crediting heartbeats received through the API."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .heartbeats import credit_pending
from .progress_models import BeatStatus, Heartbeat

STRAGGLER_AGE = dt.timedelta(seconds=30)


@db_task()
def credit_beats(user_id: int) -> int:
    """Credit one learner's pending beats (a job per request; one that finds nothing is cheap)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return credit_pending(user) if user is not None else 0


@db_periodic_task(crontab(minute="*"))
def credit_stragglers() -> int:
    """Every minute: credit beats still pending after 30 s (a job lost between the insert and
    the queue, a consumer restarted). Idempotent: credited beats are no longer pending."""
    cutoff = timezone.now() - STRAGGLER_AGE
    learners = (
        Heartbeat.objects.filter(status=BeatStatus.PENDING, received_at__lt=cutoff)
        .values_list("learner_id", flat=True)
        .distinct()
    )
    users = get_user_model().objects.filter(pk__in=list(learners))
    return sum(credit_pending(user) for user in users)
