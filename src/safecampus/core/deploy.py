"""Insecure settings that must not reach production (issue 14): `safecampus serve` refuses to
start with them in production mode and warns about them on a loopback address."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and the usual names of the local machine; 0.0.0.0 is not."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def production_reasons(host: str) -> list[str]:
    """Why this server counts as production (empty: a local development server)."""
    reasons = []
    if getattr(settings, "PRODUCTION", False):
        reasons.append("SAFECAMPUS_PRODUCTION=1")
    if not is_loopback(host):
        reasons.append(f"bound to {host}, not a loopback address")
    return reasons


def insecure_settings(*, demo_accounts: list[str]) -> list[str]:
    """One message per offending setting, naming it; `demo_accounts` are the accounts that
    still have the published demo password."""
    problems = []
    if getattr(settings, "DEV_SECRET_KEY", None) == settings.SECRET_KEY:
        problems.append("SECRET_KEY is the development default: set SECRET_KEY to 50+ random characters.")
    if not getattr(settings, "FIELD_ENCRYPTION_KEY", ""):
        problems.append(
            "FIELD_ENCRYPTION_KEY is not set (the development key derived from SECRET_KEY is used):"
            " set it to a Fernet key."
        )
    if settings.DEBUG:
        problems.append("DEBUG is on: set DEBUG=false.")
    if demo_accounts:
        problems.append(
            "demo accounts with the published demo password exist ("
            + ", ".join(demo_accounts)
            + "): delete them or give them new passwords."
        )
    return problems


@register(Tags.security, deploy=True)
def check_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """`manage check --deploy` names the development secrets and DEBUG too (the demo accounts
    need the database: `safecampus serve` checks those)."""
    return [CheckWarning(text, id="safecampus.W001") for text in insecure_settings(demo_accounts=[])]
