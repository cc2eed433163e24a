"""The exits demo: an approved pass for demo_student's classmate and demo_parent's request waiting
for demo_teacher; loading it twice changes nothing."""

from __future__ import annotations

import pytest

from safecampus.exits.demo import load_exits_demo
from safecampus.exits.models import ExitPass, ExitStatus

pytestmark = pytest.mark.django_db


def test_demo(pupil, classmate, parent):
    load_exits_demo()
    load_exits_demo()
    passes = list(ExitPass.objects.filter(unit__code="demo-c1-k1-s1"))
    assert len(passes) == 2
    approved = next(p for p in passes if p.status == ExitStatus.APPROVED)
    assert approved.student.school_class_id == pupil.school_class_id and approved.student_id != pupil.pk
    pending = next(p for p in passes if p.status == ExitStatus.PENDING)
    assert pending.student_id == pupil.pk and pending.requested_by == parent
