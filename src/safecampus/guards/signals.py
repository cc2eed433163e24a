"""`staffing_changed`: sent with `school=<Unit>` once the transaction commits, after any change that
can change a school's staffing (`guards.staffing`): a guard added, edited, marked left, a
certificate changed, the campus' gates changed, and a pupil enrolled, changed or removed (the
roster's `Student` rows), and — nightly, `guards.tasks` — a certificate lapsing with its date.
One signal per school per transaction, however many rows changed. (A policy override changing
the bands sends nothing: recount the schools under the unit it applies to.)"""

from __future__ import annotations

from typing import Any

import django.dispatch
from django.db import transaction

from safecampus.core.models import Unit

staffing_changed = django.dispatch.Signal()


class _Send:
    """The on-commit callback for one school; found again in the pending list to send once."""

    def __init__(self, school_id: int) -> None:
        self.school_id = school_id
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        school = Unit.objects.filter(pk=self.school_id).first()
        if school is not None:
            staffing_changed.send(sender=Unit, school=school)


def staffing_may_change(school: Unit | int | None) -> None:
    """Send `staffing_changed` for the school when the current transaction commits (now outside
    one), once per school however often it is called in the transaction."""
    if school is None:
        return
    school_id = school if isinstance(school, int) else school.pk
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for entry in conn.run_on_commit:
            func = entry[1]
            if isinstance(func, _Send) and func.school_id == school_id and not func.sent:
                return
    transaction.on_commit(_Send(school_id))


def _student_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    staffing_may_change(instance.unit_id)


def connect() -> None:
    """Hook the roster's pupils (called from the app's ready())."""
    from django.db.models.signals import post_delete, post_save

    from safecampus.roster.models import Student

    post_save.connect(_student_changed, sender=Student, dispatch_uid="guards.student_saved")
    post_delete.connect(_student_changed, sender=Student, dispatch_uid="guards.student_deleted")


def certificates_lapsed(today: Any = None, *, days: int = 3) -> int:
    """Send `staffing_changed` for each school where an on-post guard's certificate lapsed in the
    last `days` days (it was valid through its expiry date): the passing of a date changes a
    school's certified guards without any write. Returns the number of schools."""
    import datetime as dt

    from django.utils import timezone

    from .models import Guard, GuardStatus

    today = today or timezone.localdate()
    schools = set(
        Guard.objects.filter(
            status=GuardStatus.ON_POST,
            certificate_expires__gte=today - dt.timedelta(days=days),
            certificate_expires__lt=today,
        ).values_list("unit_id", flat=True)
    )
    with transaction.atomic():
        for school_id in sorted(schools):
            staffing_may_change(school_id)
    return len(schools)
