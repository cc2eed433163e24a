"""A fast keyed hash for random initial passwords handed out in bulk (login slips).

Argon2 stays the preferred hasher. Bulk imports create tens of thousands of accounts whose
initial passwords are random (about 58 bits) and must be changed at first login; hashing each
with Argon2 would take hours on a school server. They are stored as HMAC-SHA256 keyed with a
server secret and salted, and Django re-hashes with Argon2 at the first successful login
(`check_password` upgrades passwords whose hasher is not the preferred one).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


def _pepper() -> bytes:
    return _pepper_for(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _pepper_for(secret_key: str) -> bytes:
    return hashlib.sha256(("initial-password:" + secret_key).encode()).digest()


class InitialPasswordHasher(BasePasswordHasher):
    algorithm = "initial_hmac"

    def salt(self) -> str:
        return secrets.token_hex(6)

    def encode(self, password: str, salt: str) -> str:
        digest = hmac.new(_pepper(), f"{salt}${password}".encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None

    def must_update(self, encoded: str) -> bool:
        return True


def make_initial_password_hash(password: str) -> str:
    hasher = InitialPasswordHasher()
    return hasher.encode(password, hasher.salt())
