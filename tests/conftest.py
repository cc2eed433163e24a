"""The test cast (STYLE.md): a county officer, a school admin, a head teacher, a principal,
and outsiders from the sibling county. The demo region is loaded once into the test database."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.test import Client

from safecampus.accounts.auth import issue_token
from safecampus.accounts.models import User
from safecampus.core.models import Unit

# Schools start empty in tests (tests import what they need); tests/roster/test_demo.py loads the
# demo roster itself, small (3 students a class) to stay quick.
os.environ.setdefault("SAFECAMPUS_DEMO_ROSTER", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_CLASS_SIZE", "3")
# Nor is demo training content loaded: training tests make their own campaigns (the demo-content
# and end-to-end tests load it themselves).
os.environ.setdefault("SAFECAMPUS_DEMO_TRAINING", "0")
# Nor demo risk points (tests/risks/test_demo.py loads them for one school).
os.environ.setdefault("SAFECAMPUS_DEMO_RISKS", "0")
# Nor demo supervision (tests/supervision/test_demo.py turns it on for itself).
os.environ.setdefault("SAFECAMPUS_DEMO_SUPERVISION", "0")
# Nor demo hazards (tests/hazards/test_demo.py loads them).
os.environ.setdefault("SAFECAMPUS_DEMO_HAZARDS", "0")
# Nor demo fire equipment (tests/fire/test_demo.py loads it for one school).
os.environ.setdefault("SAFECAMPUS_DEMO_FIRE", "0")
# Nor demo check routines and history (tests/checks/test_tasks_demo.py loads them).
os.environ.setdefault("SAFECAMPUS_DEMO_TASKS", "0")
# Nor demo 1530 talks (tests/talks/test_demo.py loads them).
os.environ.setdefault("SAFECAMPUS_DEMO_TALKS", "0")
# Nor the demo duty rota (tests/duty/test_demo.py turns it on for itself).
os.environ.setdefault("SAFECAMPUS_DEMO_DUTY", "0")
# Nor the demo term plans (tests/termplan/test_demo.py loads them).
os.environ.setdefault("SAFECAMPUS_DEMO_TERMPLAN", "0")
# Nor demo responsibility letters (tests/responsibility/test_demo.py loads them).
os.environ.setdefault("SAFECAMPUS_DEMO_RESPONSIBILITY", "0")
# Nor the gate and security demo (each app's tests/<app>/test_demo.py loads its own).
os.environ.setdefault("SAFECAMPUS_DEMO_VISITORS", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_EXITS", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_PICKUPS", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_GUARDS", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_DEFENCE", "0")
# Nor demo notices and webhook endpoints (tests/notices, tests/webhooks load their own).
os.environ.setdefault("SAFECAMPUS_DEMO_NOTICES", "0")
os.environ.setdefault("SAFECAMPUS_DEMO_WEBHOOKS", "0")


def _ensure_demo() -> None:
    if not Unit.objects.filter(code="demo").exists():
        from safecampus.demo import load_demo

        load_demo()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _ensure_demo()


@pytest.fixture(autouse=True)
def _stats_after_commit(monkeypatch) -> None:
    """A test's transaction never commits: run the statistics' after-commit work at once."""
    monkeypatch.setattr("safecampus.training_stats.signals.after_commit", lambda fn: fn())
    monkeypatch.setattr("safecampus.core.rollups.jobs.after_commit", lambda fn: fn())


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> None:
    """A rolled-back test leaves no policy behind in the per-process cache."""
    from safecampus.core import policy
    from safecampus.training import intake

    policy._CACHE.clear()
    intake._LESSONS.clear()


@pytest.fixture
def demo(db) -> None:
    """The demo region is present (reloaded if a transactional test flushed it)."""
    _ensure_demo()


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def operator(demo) -> User:
    return _user("demo_operator")


@pytest.fixture
def province(demo) -> User:
    return _user("demo_province")


@pytest.fixture
def city(demo) -> User:
    return _user("demo_city")


@pytest.fixture
def county(demo) -> User:
    """Safety officer of demo-c1-k1."""
    return _user("demo_county")


@pytest.fixture
def outsider(demo) -> User:
    """Safety officer of the sibling county demo-c1-k2."""
    return _user("demo_county2")


@pytest.fixture
def principal(demo) -> User:
    return _user("demo_principal")


@pytest.fixture
def outsider_principal(demo) -> User:
    """Principal of demo-c1-k2-s1, a school of the sibling county."""
    return _user("demo_principal2")


@pytest.fixture
def school_admin(demo) -> User:
    return _user("demo_schooladmin")


@pytest.fixture
def head_teacher(demo) -> User:
    return _user("demo_teacher")


@pytest.fixture
def guard(demo) -> User:
    return _user("demo_guard")


@pytest.fixture
def county_unit(demo) -> Unit:
    return Unit.objects.get(code="demo-c1-k1")


@pytest.fixture
def school(demo) -> Unit:
    return Unit.objects.get(code="demo-c1-k1-s1")


@pytest.fixture
def sibling_school(demo) -> Unit:
    return Unit.objects.get(code="demo-c1-k2-s1")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A browser session logged in as the user."""

    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_client_for() -> Callable[..., Client]:
    """An API client sending the user's Bearer token. Accounts made by imports and services start
    with an initial password, which closes the API until it is changed: the client is for a user
    past that step, unless the test asks for `initial_password=True`."""

    def make(user: User, *, initial_password: bool = False) -> Client:
        if user.must_change_password and not initial_password:
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            user.must_change_password = False
        return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")

    return make


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Assertions read English; requests that ask for Chinese (cookie, Accept-Language) get it.
    The zh-hans default for requests that ask for nothing is tested in test_i18n."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def pytest_terminal_summary(terminalreporter) -> None:
    """The walks' counts (pages per role), printed with the summary of every run that had them."""
    import sys

    for name in ("tests.test_page_walk", "tests.test_tenancy_query_walk"):
        module = sys.modules.get(name)
        counts = getattr(module, "WALKED", None)
        if counts:
            terminalreporter.section(f"{name.rsplit('.', 1)[-1]}: pages walked per role")
            for role, n in counts.items():
                terminalreporter.write_line(f"{role:<20} {n}")
