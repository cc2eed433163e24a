"""The page walk (issue 14 §1): every demo role signs in through the web login form and follows
every same-origin link from the home page, breadth-first (tests/walker.py); no page may answer
5xx. New pages are walked as soon as a page links to them; new demo accounts as soon as
demo/region.py lists them.

The whole demo (small classes) is loaded once for this module, inside a transaction rolled back
at its end, so the rest of the suite keeps its empty schools. The number of pages walked per role
is shown in the run's summary (tests/conftest.py prints WALKED) and with `pytest -s`.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test.utils import override_settings

from safecampus.accounts.models import User
from safecampus.core.models import Membership
from safecampus.demo.region import ACCOUNTS, DEMO_PASSWORD, ROSTER_ACCOUNTS

from .walker import sign_in, walk

LIMIT = 400  # pages per role
DEMO_PARTS = (
    "ROSTER",
    "TRAINING",
    "RISKS",
    "HAZARDS",
    "SUPERVISION",
    "DUTY",
    "TERMPLAN",
    "RESPONSIBILITY",
    "TALKS",
    "VISITORS",
    "GUARDS",
    "DEFENCE",
    "EXITS",
    "PICKUPS",
    "NOTICES",
)
WALKED: dict[str, str] = {}  # username → pages and routes walked (the run's summary shows it)


def walk_accounts() -> list[str]:
    """One demo account per role and level (the sibling county's twins add nothing), then the
    accounts the roster step makes (a student and a parent)."""
    chosen, seen = [], set()
    for username, _name, unit_code, role, _phone in ACCOUNTS:
        key = (role, unit_code.count("-"))  # demo, demo-c1, demo-c1-k1, demo-c1-k1-s1
        if key not in seen:
            seen.add(key)
            chosen.append(username)
    return chosen + [name for name, _what in ROSTER_ACCOUNTS]


ROLES = walk_accounts()


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo with every module's data (classes of 3), loaded once, rolled back afterwards."""
    from safecampus import demo
    from safecampus.training_stats import signals

    media = tmp_path_factory.mktemp("walk-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        pytest.MonkeyPatch.context() as mp,
    ):
        for part in DEMO_PARTS:
            mp.setenv(f"SAFECAMPUS_DEMO_{part}", "1")
        mp.setitem(os.environ, "SAFECAMPUS_DEMO_CLASS_SIZE", "3")
        mp.setattr(signals, "after_commit", lambda fn: fn())  # nothing commits here
        with transaction.atomic():
            for step in demo.STEPS:
                step()
            yield
            transaction.set_rollback(True)


def test_every_demo_role_is_walked(full_demo, db):
    kinds = {
        (m.role, m.unit.kind)
        for m in Membership.objects.filter(user__username__in=ROLES, is_active=True).select_related("unit")
    }
    assert len(ROLES) == 12 and len(kinds) >= 12
    for username in ROLES:
        assert User.objects.filter(username=username, is_active=True).exists(), username


@pytest.mark.parametrize("username", ROLES)
def test_page_walk(full_demo, db, username):
    client = sign_in(username, DEMO_PASSWORD)
    result = walk(client, "/", limit=LIMIT)
    WALKED[username] = f"{len(result.visits)} pages, {result.routes} routes"
    statuses: dict[int, int] = {}
    for v in result.visits:
        statuses[v.status] = statuses.get(v.status, 0) + 1
    shown = dict(sorted(statuses.items()))
    print(f"\npage walk: {username}: {WALKED[username]} walked, statuses {shown}")
    assert len(result.visits) > 5, f"{username} reached almost nothing"
    assert not result.failures, f"{username}: {len(result.failures)} pages answered 5xx\n{result.report()}"
