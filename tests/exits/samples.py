"""Exit-pass samples of demo-c1-k1-s1 for the tenancy walk (made on first use, through the
services): an approved pass of a pupil of the sample roster, whose reason carries "东港区"."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership
from safecampus.core.roles import Role
from safecampus.exits import services
from safecampus.exits.models import ExitPass
from safecampus.roster.models import SchoolClass, Student

K1_S1 = "demo-c1-k1-s1"
SPACE = uuid.UUID("a1f5e0c4-7d33-4b0a-9b8e-3c6d2e1f9a70")


def k1_pass() -> ExitPass:
    p = ExitPass.objects.filter(unit__code=K1_S1).order_by("pk").first()
    if p is not None:
        return p
    student = Student.objects.filter(unit__code=K1_S1, school_class__isnull=False).order_by("pk").first()
    assert student is not None, "the roster samples should have made pupils"
    klass = student.school_class
    teacher = User.objects.get(username="demo_teacher")
    if klass.head_teacher_id != teacher.pk:
        SchoolClass.objects.filter(pk=klass.pk).update(head_teacher=teacher)
    Membership.objects.get_or_create(user=teacher, unit=student.unit, role=Role.HEAD_TEACHER)
    now = timezone.now()
    p, _ = services.request_exit(
        teacher,
        {
            "student_id": student.pk,
            "reason": "东港区样本请假",
            "from": now - dt.timedelta(hours=1),
            "until": now + dt.timedelta(hours=3),
            "client_id": str(uuid.uuid5(SPACE, "walk")),
        },
    )
    return services.decide(p, actor=teacher, approve=True)


def exit_id() -> int:
    return k1_pass().pk
