"""Background jobs of training: crediting heartbeats received through the API, pruning old ones."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .heartbeats import credit_pending
from .progress_models import BeatStatus, Heartbeat
from .pruning import prune_heartbeats

STRAGGLER_AGE = dt.timedelta(seconds=30)
CREDIT_DELAY_S = 2  # beats of the next two seconds are credited by the same job


def _mark(user_id: int) -> str:
    return f"training:credit:{user_id}"


def queue_credit(user_id: int) -> None:
    """Credit the learner's pending beats soon: one job per learner at a time, two seconds out,
    so a burst of requests (an offline queue, a busy phone) is credited in one go."""
    if HUEY.immediate:
        credit_beats(user_id)
    elif HUEY.put_if_empty(_mark(user_id), "1"):
        credit_beats.schedule((user_id,), delay=CREDIT_DELAY_S)


@db_task()
def credit_beats(user_id: int) -> int:
    """Credit one learner's pending beats. The mark is cleared first, so a beat stored while the
    job runs queues the next job (or is taken by this one): none is left behind."""
    HUEY.delete(_mark(user_id))
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
    taken = 0
    for user in users:
        HUEY.delete(_mark(user.pk))  # a mark whose job was lost would hold the learner back
        taken += credit_pending(user)
    return taken


@db_periodic_task(crontab(hour="3", minute="40"))
def prune_old_heartbeats() -> int:
    """Nightly: fold and delete credited beats older than `training.heartbeat_keep_days`."""
    return prune_heartbeats().beats
