"""`safecampus serve` refuses insecure production settings (issue 14 §2), through the CLI entry
point; only the start of the real servers is replaced."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from safecampus import cli
from safecampus.accounts.models import User

FERNET_KEY = "q0mD6d8rVg1bWm0mGf3vJm5H8l0cQx0m3pB1m8tVf4Y="


@pytest.fixture
def started(monkeypatch, settings, tmp_path) -> list:
    """Records a server start instead of running gunicorn and the job consumer."""
    calls: list = []
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(cli, "_run_servers", lambda args: calls.append((args.host, args.port)) or 0)
    return calls


@pytest.fixture
def secure(settings) -> None:
    """Everything a production server needs: real keys, DEBUG off, no published password."""
    settings.SECRET_KEY = "x7#production-secret-" + "k" * 40
    settings.FIELD_ENCRYPTION_KEY = FERNET_KEY
    settings.DEBUG = False
    User.objects.filter(username__startswith="demo_").update(password=make_password("An0ther-Secret!"))


def test_production_mode_refuses_each_insecure_setting(demo, settings, started, capsys) -> None:
    settings.PRODUCTION = True
    settings.DEBUG = True
    code = cli.main(["serve", "--host", "127.0.0.1", "--port", "8123"])
    err = capsys.readouterr().err
    assert code == 2 and started == []
    assert "SAFECAMPUS_PRODUCTION=1" in err
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG", "demo_operator"):
        assert name in err, name


def test_non_loopback_address_counts_as_production(demo, settings, started, capsys) -> None:
    settings.PRODUCTION = False
    code = cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"])
    err = capsys.readouterr().err
    assert code == 2 and started == []
    assert "bound to 0.0.0.0" in err and "SECRET_KEY" in err


def test_demo_operator_with_published_password_alone_refuses(demo, settings, secure, started, capsys) -> None:
    operator = User.objects.get(username="demo_operator")
    operator.set_password("Demo@2026")
    operator.save()
    code = cli.main(["serve", "--host", "10.1.2.3", "--port", "8123"])
    err = capsys.readouterr().err
    assert code == 2 and started == []
    assert "demo_operator" in err
    assert "- SECRET_KEY" not in err and "- DEBUG" not in err and "- FIELD_ENCRYPTION_KEY" not in err


def test_one_insecure_key_is_named_alone(demo, settings, secure, started, capsys) -> None:
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.PRODUCTION = True
    assert cli.main(["serve", "--host", "127.0.0.1"]) == 2
    err = capsys.readouterr().err
    assert "- FIELD_ENCRYPTION_KEY" in err and "- SECRET_KEY" not in err and "demo_operator" not in err


def test_secure_production_server_starts(demo, settings, secure, started, capsys) -> None:
    settings.PRODUCTION = True
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert started == [("0.0.0.0", 8123)]
    assert "refusing" not in capsys.readouterr().err


def test_loopback_with_development_defaults_starts_and_warns(demo, settings, started, capsys) -> None:
    """`make run`: zero configuration on 127.0.0.1 still starts."""
    settings.PRODUCTION = False
    assert cli.main(["serve", "--host", "127.0.0.1", "--port", "8123"]) == 0
    assert started == [("127.0.0.1", 8123)]
    err = capsys.readouterr().err
    assert "warning" in err and "SECRET_KEY" in err and "demo_operator" in err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("safe.example.edu.cn", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    from safecampus.core.deploy import is_loopback

    assert is_loopback(host) is loopback
