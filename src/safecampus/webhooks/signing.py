"""Standard Webhooks signing (https://www.standardwebhooks.com): the receiver verifies
`webhook-signature` = "v1," + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")),
where the key is the base64 part of the endpoint's `whsec_…` secret. Several signatures are
space-separated (during a secret rotation both the new and the previous secret sign)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh secret in the scheme's `whsec_<base64 of 24 random bytes>` form."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a delivery signed with every secret in ``secrets_``."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
    }


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Does one of the signatures in ``header`` match? (for the bundled local receiver)"""
    want = signature(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(want, given) for given in header.split())
