"""An API token of an account with an initial password opens nothing but `GET /api/v1/me` and
`POST /api/v1/auth/password` until the password is changed (issue 14 §2)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from safecampus.accounts import services
from safecampus.accounts.auth import issue_token
from safecampus.accounts.models import User
from safecampus.api import api
from safecampus.core.models import AuditEvent

PASSWORD_URL = "/api/v1/auth/password"
NEW_PASSWORD = "Lantern-Harbour-42"
# Routes open to an account that must still change its password (and the sign-in itself).
OPEN = {("GET", "/api/v1/me"), ("POST", "/api/v1/auth/password"), ("POST", "/api/v1/auth/token")}


@pytest.fixture
def newcomer(county, school) -> tuple[User, str]:
    """A teacher just created by the county: initial password, must change it."""
    user, initial = services.create_user(
        actor=county, unit=school, role="teacher", username="api_newcomer", name="新来的老师"
    )
    assert user.must_change_password
    return user, initial


def _post(client: Client, url: str, data: object):
    return client.post(url, json.dumps(data), content_type="application/json")


def _routes() -> list[tuple[str, str]]:
    """Every operation in the OpenAPI document, path parameters filled with 1."""
    paths = api.get_openapi_schema()["paths"]
    return sorted(
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, item in paths.items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )


def test_every_other_route_answers_password_change_required(newcomer, api_client_for):
    user, _ = newcomer
    client = api_client_for(user, initial_password=True)
    routes = [r for r in _routes() if r not in OPEN]
    assert len(routes) > 40  # the walk picks up new routes by itself
    for method, path in routes:
        body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
        resp = getattr(client, method.lower())(path, **body)
        assert resp.status_code == 403, (method, path, resp.status_code)
        error = resp.json()
        assert error["code"] == "password_change_required", (method, path)
        assert "/api/v1/auth/password" in error["detail"]


def test_me_tells_the_client_to_change_the_password(newcomer, api_client_for):
    user, _ = newcomer
    resp = api_client_for(user, initial_password=True).get("/api/v1/me")
    assert resp.status_code == 200 and resp.json()["must_change_password"] is True


def test_a_token_from_the_sign_in_is_closed_until_the_password_changes(newcomer):
    user, initial = newcomer
    token = _post(Client(), "/api/v1/auth/token", {"username": user.username, "password": initial}).json()[
        "token"
    ]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/org/units/").json()["code"] == "password_change_required"

    wrong = _post(client, PASSWORD_URL, {"old_password": "not-it", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 400 and wrong.json()["field"] == "old_password"
    weak = _post(client, PASSWORD_URL, {"old_password": initial, "new_password": "12345678"})
    assert weak.status_code == 400 and weak.json()["field"] == "new_password"
    same = _post(client, PASSWORD_URL, {"old_password": initial, "new_password": initial})
    assert same.status_code == 400 and same.json()["field"] == "new_password"
    assert User.objects.get(pk=user.pk).must_change_password

    ok = _post(client, PASSWORD_URL, {"old_password": initial, "new_password": NEW_PASSWORD})
    assert ok.status_code == 200, ok.content
    assert ok.json()["must_change_password"] is False
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(verb="auth.password_changed", actor=user).exists()
    units = client.get("/api/v1/org/units/")
    assert units.status_code == 200 and "code" not in units.json()


def test_password_route_needs_a_token_and_a_body(demo):
    assert _post(Client(), PASSWORD_URL, {"old_password": "a", "new_password": "b"}).status_code == 401
    county = User.objects.get(username="demo_county")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county)}")
    assert _post(client, PASSWORD_URL, {"old_password": "x"}).status_code == 422
    assert client.get(PASSWORD_URL).status_code == 405


def test_the_schema_documents_the_code(demo):
    error = api.get_openapi_schema()["components"]["schemas"]["ErrorOut"]
    assert "code" in error["properties"]
