"""The exits cast at demo-c1-k1-s1: demo_teacher heads 三年级1班 (demo_student and classmates),
demo_parent is demo_student's parent, demo_guard works the gate; passes made through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.exits import services
from safecampus.exits.models import ExitPass
from safecampus.roster.models import Student


@pytest.fixture(autouse=True)
def _notices_at_once(monkeypatch) -> None:
    """A test's transaction never commits: send the notices at once."""
    monkeypatch.setattr("safecampus.exits.services.after_commit", lambda fn: fn())


@pytest.fixture
def roster(demo, monkeypatch):
    monkeypatch.setenv("SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.roster.demo import load_roster

    load_roster()


@pytest.fixture
def pupil(roster) -> Student:
    return Student.objects.select_related("school_class", "unit").get(user__username="demo_student")


@pytest.fixture
def classmate(pupil) -> Student:
    return Student.objects.filter(school_class=pupil.school_class).exclude(pk=pupil.pk).order_by("pk").first()


@pytest.fixture
def parent(roster) -> User:
    return User.objects.get(username="demo_parent")


@pytest.fixture
def other_pupil(roster) -> Student:
    """A pupil of the sibling county's school demo-c1-k2-s1."""
    return Student.objects.filter(unit__code="demo-c1-k2-s1").order_by("pk").first()


def window(start_h: float = -1, end_h: float = 2) -> tuple[str, str]:
    now = timezone.now()
    return (
        (now + dt.timedelta(hours=start_h)).isoformat(),
        (now + dt.timedelta(hours=end_h)).isoformat(),
    )


@pytest.fixture
def make_pass(head_teacher, classmate) -> Callable[..., ExitPass]:
    def make(
        student: Student | None = None, actor: User | None = None, approve: bool = False, **data
    ) -> ExitPass:
        start, end = window()
        fields = {
            "student_id": (student or classmate).pk,
            "reason": "东港区样本复诊",
            "from": start,
            "until": end,
            "client_id": str(uuid.uuid4()),
            **data,
        }
        p, _ = services.request_exit(actor or head_teacher, fields)
        if approve:
            p = services.decide(p, actor=head_teacher, approve=True)
        return p

    return make
