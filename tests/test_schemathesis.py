"""schemathesis against /api/v1/openapi.json, in-process through the Django WSGI app.

Every operation is fuzzed with a Bearer token of demo_county (safety officer of demo-c1-k1):
no response may be a server error, and every response must match the schema (including the
declared error answers). Each operation runs in one test transaction, rolled back afterwards,
so units created and login attempts (lock-out counters) recorded while fuzzing do not leak
into other tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from safecampus.accounts.auth import issue_token

APP: WSGIHandler = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@pytest.fixture
def wsgi_app(db) -> Iterator[WSGIHandler]:
    """The WSGI app on the test's own connection: like Django's test client, stop the
    request signals from closing the connection (that would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield APP
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def county_token(county) -> str:
    return issue_token(county)


def test_schema_declares_error_answers() -> None:
    raw = schema.raw_schema
    units = raw["paths"]["/api/v1/org/units/{unit_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404", "409", "422", "429"} <= set(units)
    token = raw["paths"]["/api/v1/auth/token"]["post"]
    assert {"200", "401", "422", "429"} <= set(token["responses"])
    assert not token.get("security")  # the one route without a token
    assert raw["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms(case, wsgi_app: WSGIHandler, county_token: str) -> None:
    case.call_and_validate(
        app=wsgi_app,
        headers={"Authorization": f"Bearer {county_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
