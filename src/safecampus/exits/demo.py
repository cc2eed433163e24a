"""Demo data: an approved exit pass for demo_student's classmate, a parent's request waiting for the head
teacher (demo_parent asks for demo_student), through the services. Idempotent: the requests carry
fixed client ids, so a second run answers the passes the first opened."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.roster.models import Student

from . import services
from .models import ExitStatus

DEMO_SPACE = uuid.UUID("5b0e6c2d-93a4-4f1e-9c77-2d8e1f0a6b41")


def _window() -> tuple[dt.datetime, dt.datetime]:
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    end = max(now.replace(hour=17, minute=0, second=0, microsecond=0), now + dt.timedelta(hours=3))
    return start, end


def load_exits_demo() -> None:
    teacher = User.objects.filter(username="demo_teacher").first()
    parent = User.objects.filter(username="demo_parent").first()
    pupil = Student.objects.select_related("school_class").filter(user__username="demo_student").first()
    if teacher is None or pupil is None or pupil.school_class is None:
        return
    classmate = (
        Student.objects.filter(school_class=pupil.school_class, status="enrolled")
        .exclude(pk=pupil.pk)
        .first()
    )
    start, end = _window()
    if classmate is not None:
        p, _created = services.request_exit(
            teacher,
            {
                "student_id": classmate.pk,
                "reason": "牙科复诊，家长在校门口接",
                "from": start,
                "until": end,
                "client_id": str(uuid.uuid5(DEMO_SPACE, "approved")),
            },
        )
        if p.status == ExitStatus.PENDING:
            services.decide(p, actor=teacher, approve=True, note="已与家长电话确认")
    if parent is not None:
        services.request_exit(
            parent,
            {
                "student_id": pupil.pk,
                "reason": "家中有事，下午请假半天",
                "from": start + dt.timedelta(hours=1),
                "until": end + dt.timedelta(hours=1),
                "client_id": str(uuid.uuid5(DEMO_SPACE, "parent-request")),
            },
        )
