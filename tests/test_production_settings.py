"""Production mode (SAFECAMPUS_PRODUCTION=1): secure cookies, HSTS, HTTPS redirect and the proxy's
HTTPS header are on by default, and `manage check --deploy` is clean (issue 14 §2). Settings are
read at start-up, so each case runs the real settings module in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings

import safecampus

SRC = str(Path(safecampus.__file__).resolve().parents[1])
SECRETS = {
    "SECRET_KEY": "p9!vQ2#production-only-secret-" + "r7Kx" * 10,
    "FIELD_ENCRYPTION_KEY": "q0mD6d8rVg1bWm0mGf3vJm5H8l0cQx0m3pB1m8tVf4Y=",
    "ALLOWED_HOSTS": "safe.example.edu.cn",
}
SECURITY = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER"]  # fmt: skip


def _run(tmp_path: Path, code: list[str], **env: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    full = {**keep, "PYTHONPATH": SRC, "SAFECAMPUS_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "safecampus.settings", **env}  # fmt: skip
    return subprocess.run(
        [sys.executable, *code], env=full, capture_output=True, text=True, timeout=180, check=False
    )


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return _run(
        tmp_path, ["-m", "safecampus.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"], **env
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path) -> None:
    result = _check_deploy(tmp_path, SAFECAMPUS_PRODUCTION="1", **SECRETS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_without_production_mode_the_same_secrets_are_not_enough(tmp_path) -> None:
    result = _check_deploy(tmp_path, **SECRETS)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in out, check


def test_check_deploy_names_development_secrets(tmp_path) -> None:
    result = _check_deploy(tmp_path, SAFECAMPUS_PRODUCTION="1", ALLOWED_HOSTS="safe.example.edu.cn")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "safecampus.W001" in out and "SECRET_KEY" in out and "FIELD_ENCRYPTION_KEY" in out


def test_production_defaults_and_development_defaults(tmp_path) -> None:
    show = "import django, json; django.setup(); from django.conf import settings as s; "
    show += f"print(json.dumps({{k: getattr(s, k) for k in {SECURITY!r}}}))"
    production = json.loads(_run(tmp_path, ["-c", show], SAFECAMPUS_PRODUCTION="1", **SECRETS).stdout)
    assert production == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }  # fmt: skip
    development = json.loads(_run(tmp_path, ["-c", show]).stdout)
    assert not any(development.values()), development  # `make run` on http://127.0.0.1 keeps working
    overridden = json.loads(
        _run(tmp_path, ["-c", show], SAFECAMPUS_PRODUCTION="1", SECURE_HSTS_SECONDS="3600", **SECRETS).stdout
    )
    assert overridden["SECURE_HSTS_SECONDS"] == 3600 and overridden["SESSION_COOKIE_SECURE"] is True


PRODUCTION_HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@pytest.mark.django_db
def test_behind_the_proxy(settings) -> None:
    """Plain HTTP is redirected (except the local health check); HTTPS via nginx gets HSTS."""
    with override_settings(**PRODUCTION_HTTPS):
        c = Client()
        plain = c.get("/accounts/login/")
        assert plain.status_code == 301 and plain["Location"] == "https://testserver/accounts/login/"
        assert c.get("/healthz").status_code == 200
        tls = c.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
        assert tls.status_code == 200
        assert tls["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "secure" in str(tls.cookies["csrftoken"]).lower()


def test_deploy_check_in_process_names_debug(settings) -> None:
    settings.DEBUG = True
    messages = [m.msg for m in run_checks(include_deployment_checks=True) if m.id == "safecampus.W001"]
    assert any(m.startswith("DEBUG is on") for m in messages)
