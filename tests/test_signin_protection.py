"""Sign-in protection (issue 14 §2): the client address behind trusted proxies cannot be
spoofed, and parallel guesses cannot outrun the lock-out count."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory, override_settings

from safecampus.accounts import auth
from safecampus.accounts.models import LoginAttempt, User
from safecampus.accounts.throttle import LockedOut
from safecampus.core.middleware import client_address
from safecampus.core.models import AuditEvent

DEMO_PASSWORD = "Demo@2026"


def _address(forwarded: str | None, remote: str = "10.0.0.2") -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6; nginx appended the real one
        (1, "203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 198.51.100.7", "203.0.113.5"),  # CDN, then nginx
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than trusted proxies: the connection's address
        (1, "", "10.0.0.2"),
        (1, "6.6.6.6, not-an-address", "10.0.0.2"),
        (1, "6.6.6.6,2001:db8::1", "2001:db8::1"),
        (0, "6.6.6.6", "10.0.0.2"),
    ],
)
def test_client_address_is_taken_from_the_right(count, forwarded, expected):
    with override_settings(USE_X_FORWARDED_FOR=True, TRUSTED_PROXY_COUNT=count):
        assert _address(forwarded) == expected


def test_forwarded_header_is_ignored_without_a_proxy():
    with override_settings(USE_X_FORWARDED_FOR=False):
        assert _address("6.6.6.6, 203.0.113.5") == "10.0.0.2"
        assert _address(None, remote="") is None


def test_trusted_proxy_count_defaults_to_one(settings):
    assert settings.TRUSTED_PROXY_COUNT == 1


@override_settings(USE_X_FORWARDED_FOR=True, LOGIN_ADDRESS_FAILURE_LIMIT=4, LOGIN_ADDRESS_MIN_ACCOUNTS=2)
def test_a_guesser_cannot_dodge_the_address_guard_by_forging_the_header(demo):
    """Behind one proxy, a forged leftmost X-Forwarded-For changes nothing: the address counted
    (and written to the audit trail) is the one the proxy appended."""
    for i, name in enumerate(("demo_guard", "demo_doctor", "demo_safety", "nosuchuser")):
        Client().post(
            "/accounts/login/",
            {"username": name, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.66.0.{i}, 203.0.113.9",
        )
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"203.0.113.9"}
    resp = Client().post(
        "/accounts/login/",
        {"username": "demo_principal", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="10.66.0.99, 203.0.113.9",
    )
    assert resp.status_code == 429


def test_an_attempt_counts_before_its_password_is_checked(demo, monkeypatch):
    """The locking path: while one attempt's password is being checked (slow, outside the lock),
    the attempts arriving meanwhile already see it. Five in flight lock the sixth out."""
    outcomes: list[str] = []
    real = auth.authenticate

    def slow_check(request, **credentials):
        if len(outcomes) < 6:  # more requests for the same account arrive during this check
            outcomes.append("started")
            try:
                auth.login_user("demo_guard", "wrong", address="10.3.3.3")
            except LockedOut:
                outcomes.append("locked")
            except auth.LoginFailed:
                outcomes.append("failed")
        return real(request, **credentials)

    monkeypatch.setattr(auth, "authenticate", slow_check)
    with pytest.raises(auth.LoginFailed):
        auth.login_user("demo_guard", "wrong", address="10.3.3.3")
    # The sixth nested request found five attempts recorded and in flight.
    assert "locked" in outcomes
    assert LoginAttempt.objects.filter(identifier="demo_guard").count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_at_most_the_limit(monkeypatch):
    """Twelve guesses at one account at the same instant: five are checked, seven are locked out."""
    user = User.objects.create_user("race_target", "Right-Password-1", name="Race")
    real = auth.authenticate
    start, outcomes = threading.Barrier(12), []

    def slow(request, **credentials):
        start_check.wait(timeout=2)  # every thread that got through the lock checks at once
        return real(request, **credentials)

    start_check = threading.Barrier(5)
    monkeypatch.setattr(auth, "authenticate", slow)

    def guess() -> None:
        try:
            start.wait()
            auth.login_user("race_target", "wrong", address="10.4.4.4")
        except LockedOut:
            outcomes.append("locked")
        except auth.LoginFailed:
            outcomes.append("failed")
        except threading.BrokenBarrierError:
            outcomes.append("broken")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["failed"] * 5 + ["locked"] * 7
    assert LoginAttempt.objects.filter(user=user).count() == 5


# --- the Django admin signs in through the same service ----------------------------------------


def _admin_login(client: Client, username: str, password: str, addr: str = "10.5.5.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=addr,
    )


def test_admin_login_is_recorded_and_audited(operator):
    c = Client()
    resp = _admin_login(c, "demo_operator", DEMO_PASSWORD)
    assert resp.status_code == 302 and resp["Location"] == "/admin/"
    assert c.get("/admin/").status_code == 200
    attempt = LoginAttempt.objects.get(user=operator)
    assert attempt.success and attempt.address == "10.5.5.5"
    event = AuditEvent.objects.filter(verb="auth.login", actor=operator).first()
    assert event is not None and event.after == {"via": "admin"}


def test_admin_login_is_locked_out_after_five_failures(operator):
    for _ in range(5):
        resp = _admin_login(Client(), "demo_operator", "wrong")
        assert resp.status_code == 200 and "not correct" in resp.content.decode()
    assert LoginAttempt.objects.filter(user=operator, success=False).count() == 5
    assert AuditEvent.objects.filter(verb="auth.login_failed", target_id=str(operator.pk)).count() == 5
    c = Client()
    resp = _admin_login(c, "demo_operator", DEMO_PASSWORD, addr="10.5.5.6")  # right password, other address
    assert resp.status_code == 200 and "Too many failed sign-in attempts" in resp.content.decode()
    assert "_auth_user_id" not in c.session
    # The web sign-in shares the count: the account is locked there too.
    assert (
        Client()
        .post("/accounts/login/", {"username": "demo_operator", "password": DEMO_PASSWORD})
        .status_code
        == 429
    )


def test_admin_login_of_a_non_operator_is_a_counted_failure(demo):
    c = Client()
    resp = _admin_login(c, "demo_county", DEMO_PASSWORD)
    assert resp.status_code == 200 and "_auth_user_id" not in c.session
    county = User.objects.get(username="demo_county")
    assert LoginAttempt.objects.filter(user=county, success=False).count() == 1
    assert not AuditEvent.objects.filter(verb="auth.login", actor=county).exists()
