"""Posting one signed delivery: SSRF-safe, no redirects, a short timeout.

The receiver's host is resolved once; every address must be public unless the operator allows
private ones (`WEBHOOK_ALLOW_PRIVATE=1`, for a receiver on the same machine or LAN). The
connection goes to the address that was checked, so a second DNS answer cannot point it inward.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5


class Refused(Exception):
    """The URL may not be called (bad scheme, private address, unresolvable)."""


@dataclass(frozen=True)
class Outcome:
    status: int | None  # HTTP status, None when no answer came
    error: str  # "" on an answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, address) of ``url``, or Refused with a translated reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("Only http:// and https:// addresses can receive webhooks."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("The receiver's host name cannot be resolved.")) from None
    addresses = [info[4][0] for info in infos]
    if not getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False) and not all(_public(a) for a in addresses):
        raise Refused(_("Private, loopback and link-local addresses cannot receive webhooks."))
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body``; any 2xx counts as delivered, redirects are not followed."""
    try:
        scheme, host, port, address = resolve(url)
    except Refused as refused:
        return Outcome(None, str(refused))
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = cls(host, port, address)
    try:
        conn.request("POST", target, body=body, headers={**headers, "user-agent": "SafeCampus-Webhooks/1"})
        response = conn.getresponse()
        response.read(65536)
        return Outcome(response.status, "")
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:300])
    finally:
        conn.close()
