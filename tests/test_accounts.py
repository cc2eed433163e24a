"""Users, roles and sign-in: permission matrix, rank limits, lock-out, forced password change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.utils import timezone

from safecampus.accounts import auth, services
from safecampus.accounts.models import LoginAttempt, User
from safecampus.core import crypto
from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, Membership, Unit

DEMO_PASSWORD = "Demo@2026"

# username → may create a teacher at demo-c1-k1-s1
CREATE_TEACHER = {
    "demo_province": True,
    "demo_city": True,
    "demo_county": True,
    "demo_principal": True,
    "demo_schooladmin": True,
    "demo_safety": False,
    "demo_teacher": False,
    "demo_guard": False,
    "demo_county2": False,
    "demo_principal2": False,
}


@pytest.mark.parametrize(("username", "allowed"), sorted(CREATE_TEACHER.items()))
def test_create_user_matrix(school, username, allowed):
    actor = User.objects.get(username=username)
    new = f"t_{username}"
    if allowed:
        user, password = services.create_user(
            actor=actor, unit=school, role="teacher", username=new, name="新老师", phone="13700000001"
        )
        assert user.must_change_password and user.check_password(password)
        assert Membership.objects.filter(user=user, unit=school, role="teacher", is_active=True).exists()
        assert AuditEvent.objects.filter(verb="user.created", target_id=str(user.pk)).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.create_user(actor=actor, unit=school, role="teacher", username=new, name="新老师")
        assert not User.objects.filter(username=new).exists()


@pytest.mark.parametrize(
    ("username", "unit_code", "role", "ok"),
    [
        ("demo_county", "demo-c1-k1", "bureau_admin", False),  # above own rank
        ("demo_county", "demo-c1-k1", "safety_officer", True),  # equal rank
        ("demo_county", "demo-c1-k1", "leader", True),
        ("demo_principal", "demo-c1-k1-s1", "principal", True),
        ("demo_principal", "demo-c1-k1-s1", "bureau_admin", False),  # bureau role at a school
        ("demo_schooladmin", "demo-c1-k1-s1", "school_admin", True),
        ("demo_county", "demo-c1-k1-s1", "leader", False),  # bureau role at a school
        ("demo_county", "demo-c1-k1", "teacher", False),  # school role at a bureau
    ],
)
def test_role_rank_and_level(demo, username, unit_code, role, ok):
    actor = User.objects.get(username=username)
    unit = Unit.objects.get(code=unit_code)
    target = User.objects.get(username="demo_guard")
    if ok:
        assert services.assign_role(target, actor=actor, unit=unit, role=role).is_active
    else:
        with pytest.raises(Invalid):
            services.assign_role(target, actor=actor, unit=unit, role=role)


def test_outsider_cannot_touch_people(outsider, outsider_principal, head_teacher, school):
    for actor in (outsider, outsider_principal):
        with pytest.raises(PermissionDenied):
            services.reset_password(head_teacher, actor=actor)
        with pytest.raises(PermissionDenied):
            services.assign_role(head_teacher, actor=actor, unit=school, role="teacher")
        with pytest.raises(PermissionDenied):
            services.set_user_active(head_teacher, False, actor=actor)
        assert not User.objects.visible_to(actor).filter(pk=head_teacher.pk).exists()


def test_reset_password_only_downwards(county, principal, head_teacher, city):
    password = services.reset_password(head_teacher, actor=county)
    head_teacher.refresh_from_db()
    assert head_teacher.must_change_password and head_teacher.check_password(password)
    with pytest.raises(PermissionDenied):
        services.reset_password(city, actor=county)  # the city admin is above the county
    with pytest.raises(PermissionDenied):
        services.reset_password(county, actor=principal)
    with pytest.raises(PermissionDenied):
        services.reset_password(county, actor=county)  # not oneself: use "change password"


def test_revoke_role(county, principal, school):
    guard = User.objects.get(username="demo_guard")
    m = Membership.objects.get(user=guard, unit=school)
    services.revoke_role(m, actor=principal)
    m.refresh_from_db()
    assert not m.is_active and m.revoked_at
    own = Membership.objects.get(user=principal)
    with pytest.raises(Invalid):
        services.revoke_role(own, actor=principal)
    city_m = Membership.objects.get(user__username="demo_city")
    with pytest.raises(PermissionDenied):
        services.revoke_role(city_m, actor=county)


def test_user_input_validation(county, school):
    cases = [
        {"username": "a", "name": "甲"},
        {"username": "demo_teacher", "name": "甲"},
        {"username": "new_one", "name": ""},
        {"username": "new_one", "name": "甲", "phone": "12345"},
        {"username": "new_one", "name": "甲", "phone": "13863310008"},  # demo_teacher's phone
        {"username": "new_one", "name": "甲", "id_card": "110101199003071234"},  # bad checksum
    ]
    n = User.objects.count()
    for fields in cases:
        with pytest.raises(Invalid):
            services.create_user(actor=county, unit=school, role="teacher", **fields)
    assert User.objects.count() == n


def test_personal_data_encrypted_and_masked(county, school):
    user, _ = services.create_user(
        actor=county,
        unit=school,
        role="teacher",
        username="enc_test",
        name="加密",
        phone="１３９ ００００ ０００１",
        id_card="11010519491231002X",
    )
    raw = User.objects.filter(pk=user.pk).values("phone_enc", "id_card_enc", "phone_hash").get()
    assert "13900000001" not in raw["phone_enc"] and "11010519491231002X" not in raw["id_card_enc"]
    assert raw["phone_hash"] == crypto.lookup_hash("13900000001")
    assert user.phone_masked == "139****0001"
    assert user.id_card_masked == "1101***********02X"


# --- sign-in ---------------------------------------------------------------------------------


def _login(client: Client, username: str, password: str, addr: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=addr,
        HTTP_ACCEPT_LANGUAGE="en",  # the language cookie, when a test sets one, wins
    )


def test_login_by_username_and_by_phone(demo):
    c = Client()
    assert _login(c, "demo_county", DEMO_PASSWORD).status_code == 302
    c2 = Client()
    assert _login(c2, "139 0633 0003", DEMO_PASSWORD).status_code == 302  # phone, with spaces
    assert c2.get("/").status_code == 200


def test_lockout_per_account(demo):
    c = Client()
    for _ in range(5):
        resp = _login(c, "demo_teacher", "wrong")
        assert resp.status_code == 200 and "not correct" in resp.content.decode()
    resp = _login(c, "demo_teacher", DEMO_PASSWORD, addr="10.0.0.99")  # right password, other address
    assert resp.status_code == 429
    assert "Too many failed sign-in attempts" in resp.content.decode()
    assert "_auth_user_id" not in c.session
    assert _login(Client(), "demo_guard", DEMO_PASSWORD, addr="10.0.0.98").status_code == 302


def test_one_pupils_typos_do_not_lock_the_school(demo):
    """A school signs in from one NAT address: five failures of one account lock that account
    only, not the others behind the same address."""
    for _ in range(5):
        _login(Client(), "demo_guard", "wrong", addr="10.9.9.9")
    assert _login(Client(), "demo_guard", DEMO_PASSWORD, addr="10.9.9.9").status_code == 429
    for name in ("demo_doctor", "demo_principal"):
        assert _login(Client(), name, DEMO_PASSWORD, addr="10.9.9.9").status_code == 302, name


def _failures(address: str, accounts: int, total: int) -> None:
    now = timezone.now()
    LoginAttempt.objects.bulk_create(
        LoginAttempt(identifier=f"guess{i % accounts}", address=address, success=False, at=now)
        for i in range(total)
    )


@pytest.mark.parametrize(
    ("accounts", "total", "locked"),
    [(9, 60, False), (10, 49, False), (10, 50, True), (40, 50, True)],
)
def test_address_is_locked_when_guessing_across_many_accounts(demo, accounts, total, locked):
    """Default guard: 50 failures over at least 10 different accounts within 15 minutes."""
    _failures("10.9.9.7", accounts, total)
    resp = _login(Client(), "demo_principal", DEMO_PASSWORD, addr="10.9.9.7")
    assert resp.status_code == (429 if locked else 302)
    assert _login(Client(), "demo_doctor", DEMO_PASSWORD, addr="10.9.9.6").status_code == 302


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=4, LOGIN_ADDRESS_MIN_ACCOUNTS=2)
def test_address_guard_settings_apply(demo):
    for name in ("demo_guard", "demo_doctor", "demo_guard", "nosuchuser"):
        _login(Client(), name, "wrong", addr="10.9.9.5")
    assert _login(Client(), "demo_principal", DEMO_PASSWORD, addr="10.9.9.5").status_code == 429
    assert _login(Client(), "demo_principal", DEMO_PASSWORD, addr="10.9.9.4").status_code == 302


def test_lockout_expires_after_window(demo):
    for _ in range(5):
        _login(Client(), "demo_doctor", "wrong")
    LoginAttempt.objects.filter(identifier="demo_doctor").update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _login(Client(), "demo_doctor", DEMO_PASSWORD).status_code == 302


def test_lockout_message_translated(demo):
    for _ in range(5):
        _login(Client(), "demo_guard", "wrong", addr="10.1.1.1")
    c = Client()
    c.cookies["django_language"] = "zh-hans"
    resp = _login(c, "demo_guard", DEMO_PASSWORD, addr="10.1.1.2")
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.content.decode()


def test_forced_password_change(county, school):
    user, initial = services.create_user(
        actor=county, unit=school, role="teacher", username="first_login", name="首次登录"
    )
    c = Client()
    resp = _login(c, "first_login", initial)
    assert resp.status_code == 302 and "/accounts/password/change/" in resp["Location"]
    assert "/accounts/password/change/" in c.get("/org/")["Location"]
    bad = c.post(
        "/accounts/password/change/",
        {"old_password": initial, "new_password": "12345678", "new_password2": "12345678"},
    )
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password
    ok = c.post(
        "/accounts/password/change/",
        {"old_password": initial, "new_password": "Xq7#school-safe", "new_password2": "Xq7#school-safe"},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Xq7#school-safe")
    assert c.get("/org/").status_code == 200


def test_logout_and_session_expiry(demo):
    c = Client()
    _login(c, "demo_county", DEMO_PASSWORD)
    assert c.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert c.get("/")["Location"].startswith("/accounts/login/")
    _login(c, "demo_county", DEMO_PASSWORD)
    assert c.post("/accounts/logout/").status_code == 302
    assert c.get("/")["Location"].startswith("/accounts/login/")


@override_settings(SESSION_COOKIE_AGE=60)
def test_session_age_setting_applies(demo):
    c = Client()
    _login(c, "demo_county", DEMO_PASSWORD)
    assert c.session.get_expiry_age() <= 60


def test_role_switcher_changes_scope(county, school, demo):
    sibling_unit = Unit.objects.get(code="demo-c1-k1-s2")
    teacher = User.objects.get(username="demo_teacher")
    services.assign_role(teacher, actor=county, unit=sibling_unit, role="teacher")
    c = Client()
    c.force_login(teacher)
    home = c.get("/")
    assert home.status_code == 200
    m2 = Membership.objects.get(user=teacher, unit=sibling_unit)
    resp = c.post("/accounts/switch-role/", {"membership": m2.pk, "next": "/"})
    assert resp.status_code == 302
    assert c.get(f"/org/units/{sibling_unit.pk}/").status_code == 200
    assert c.get(f"/org/units/{school.pk}/").status_code == 404  # acting at s2 now
    # A membership of someone else is refused.
    other = Membership.objects.get(user__username="demo_principal")
    c.post("/accounts/switch-role/", {"membership": other.pk})
    assert c.get(f"/org/units/{school.pk}/").status_code == 404


def test_auth_service_errors(db):
    with pytest.raises(auth.LoginFailed):
        auth.login_user("", "", address=None)


def test_purge_expired_job(demo):
    from safecampus.accounts.tasks import purge_expired, purge_expired_daily

    user = User.objects.get(username="demo_county")
    auth.issue_token(user)
    from safecampus.accounts.models import ApiToken

    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(days=2))
    LoginAttempt.objects.create(identifier="x", at=timezone.now() - dt.timedelta(days=200))
    LoginAttempt.objects.create(identifier="y")
    purge_expired_daily.call_local()
    assert not ApiToken.objects.exists()
    assert list(LoginAttempt.objects.values_list("identifier", flat=True)) == ["y"]
    assert purge_expired() == {"tokens": 0, "attempts": 0, "throttles": 0}  # running twice changes nothing
