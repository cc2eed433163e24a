"""Letters issued at the same moment get different numbers (the counter row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.supervision import services
from safecampus.supervision.models import Letter

from .conftest import soon

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")


@pytest.mark.django_db(transaction=True)
def test_concurrent_letters_get_distinct_numbers(demo):
    from tests.conftest import _ensure_demo

    _ensure_demo()
    school = Unit.objects.get(code="demo-c1-k1-s1")
    county = User.objects.get(username="demo_county")
    data = {"kind": "reminder", "extra_items": "消防通道堆放杂物", "body": "请整改", "deadline": soon()}
    start, errors = threading.Barrier(6), []

    def issue() -> None:
        try:
            start.wait()
            services.issue_letter(school, actor=User.objects.get(pk=county.pk), data=data)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(
        Letter.objects.filter(bureau__code="demo-c1-k1", kind="reminder").values_list("seq", flat=True)
    )
    assert seqs == [1, 2, 3, 4, 5, 6]
