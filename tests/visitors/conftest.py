"""The gate's cast at demo-c1-k1-s1 (demo_guard at the gate, demo_teacher hosting, demo_principal
keeping the watch list) and visits made through the services."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.validators import id_card_check_char
from safecampus.visitors import services
from safecampus.visitors.models import Visit


def id_number(first17: str = "37020219800101123") -> str:
    return first17 + id_card_check_char(first17)


def cid() -> str:
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _no_rate_memory() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def safety(demo) -> User:
    return User.objects.get(username="demo_safety")


@pytest.fixture
def make_visit(head_teacher, school) -> Callable[..., Visit]:
    def make(actor: User | None = None, **data) -> Visit:
        fields = {
            "client_id": cid(),
            "visitor_name": "东港区访客",
            "visitor_phone": "13905321234",
            "id_number": id_number(),
            "purpose": "家长约谈",
            "expected_at": timezone.now(),
        }
        fields.update(data)
        return services.register_visit(school, actor=actor or head_teacher, data=fields)[0]

    return make
