"""The status a pass shows: the stored one, or "expired" for a pending or approved pass whose
window has passed — in Python and as a query alike."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import ExitPass, ExitStatus

OPEN = (ExitStatus.PENDING, ExitStatus.APPROVED)


def effective(exit_pass: ExitPass, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if exit_pass.status in OPEN and exit_pass.window_until <= now:
        return ExitStatus.EXPIRED
    return exit_pass.status


def label(exit_pass: ExitPass, now: dt.datetime | None = None) -> str:
    return str(ExitStatus(effective(exit_pass, now)).label)


def status_q(status: str, now: dt.datetime | None = None) -> Q:
    """Passes whose effective status is `status`."""
    now = now or timezone.now()
    if status == ExitStatus.EXPIRED:
        return Q(status__in=OPEN, window_until__lte=now)
    if status in OPEN:
        return Q(status=status, window_until__gt=now)
    return Q(status=status)


BADGE = {
    ExitStatus.PENDING: "warning",
    ExitStatus.APPROVED: "success",
    ExitStatus.DECLINED: "danger",
    ExitStatus.OUT: "primary",
    ExitStatus.RETURNED: "secondary",
    ExitStatus.CANCELLED: "secondary",
    ExitStatus.EXPIRED: "secondary",
}
