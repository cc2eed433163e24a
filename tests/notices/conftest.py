"""The notices cast: the demo roster (classes of 3) at every demo school; demo_county (officer of
demo-c1-k1) sends, demo_teacher heads 三年级1班 at demo-c1-k1-s1 (demo_student's class), demo_parent
is demo_student's parent; notices made through the services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from safecampus.accounts.models import User
from safecampus.notices import services
from safecampus.notices.models import Notice
from safecampus.roster.models import Student


@pytest.fixture(autouse=True)
def _events_at_once(monkeypatch) -> None:
    """A test's transaction never commits: announce domain events at once."""
    from django.db import transaction

    monkeypatch.setattr("safecampus.core.events.transaction", _Immediate(transaction))


class _Immediate:
    def __init__(self, real: Any) -> None:
        self._real = real

    def on_commit(self, fn: Callable[[], Any]) -> None:
        fn()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def roster(demo, monkeypatch):
    monkeypatch.setenv("SAFECAMPUS_DEMO_CLASS_SIZE", "3")
    from safecampus.roster.demo import load_roster

    load_roster()


@pytest.fixture
def pupil(roster) -> Student:
    return Student.objects.select_related("school_class__grade", "unit").get(user__username="demo_student")


@pytest.fixture
def parent(roster) -> User:
    return User.objects.get(username="demo_parent")


@pytest.fixture
def letter_data() -> Callable[..., dict[str, Any]]:
    def make(**over: Any) -> dict[str, Any]:
        data = {
            "client_id": str(uuid.uuid4()),
            "title": "东港区防溺水家长告知书",
            "body": "各位家长：夏季是溺水事故高发期……",
            "kind": "parent_letter",
            "audience": {"units": ["demo-c1-k1"], "parents": True, "school_types": ["primary"]},
            "confirm": "receipt",
        }
        data.update(over)
        return data

    return make


@pytest.fixture
def make_notice(county, letter_data) -> Callable[..., Notice]:
    def make(actor: User | None = None, draft: bool = False, **over: Any) -> Notice:
        notice, _created = services.create_notice(actor or county, letter_data(**over), draft=draft)
        return notice

    return make
