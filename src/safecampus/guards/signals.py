"""`staffing_changed`: sent with `school=<Unit>` once the transaction commits, after any change that
can change a school's staffing (`guards.staffing`): a guard added, edited, marked left, a
certificate changed, the campus' gates changed, and a pupil enrolled, changed or removed (the
roster's `Student` rows). One signal per school per transaction, however many rows changed."""

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
