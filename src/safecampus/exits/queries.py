"""Reading passes, always through the model's access rule (404 alike for missing and not yours)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ExitPass, ExitStatus

RELATED = ("student__school_class__grade", "unit", "requested_by", "decided_by", "out_by", "returned_by")
GATE_RELATED = ("student__school_class__grade", "unit")


def passes_for(user: Any) -> QuerySet[ExitPass]:
    return ExitPass.objects.visible_to(user).select_related(*RELATED)


def get_pass_for(user: Any, pk: Any) -> ExitPass:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    return get_object_or_404(passes_for(user), pk=pk)


def to_approve(user: Any) -> QuerySet[ExitPass]:
    """Pending passes of the classes the user is the head teacher of, still in their window."""
    return passes_for(user).filter(
        status=ExitStatus.PENDING, window_until__gt=timezone.now(), student__school_class__head_teacher=user
    )


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def on_day(qs: QuerySet[ExitPass], day: dt.date) -> QuerySet[ExitPass]:
    """Passes whose window touches `day`, or that passed the gate that day."""
    start, end = day_bounds(day)
    return qs.filter(
        Q(window_from__lt=end, window_until__gt=start)
        | Q(out_at__gte=start, out_at__lt=end)
        | Q(returned_at__gte=start, returned_at__lt=end)
    )
