"""Personal data at rest (DESIGN invariant 6): Fernet encryption plus a keyed hash for lookup."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(ValueError):
    """Stored data that no key in FIELD_ENCRYPTION_KEY opens. Never hidden as an empty value: a
    silent blank would wipe every phone and ID-card number on the next save."""

    def __init__(self, what: str = "stored personal data") -> None:
        super().__init__(
            f"{what} cannot be decrypted with any key in FIELD_ENCRYPTION_KEY: the key is wrong,"
            " or the key that encrypted it was removed from the list (key rotation:"
            " docs/deployment.md, Production)."
        )


def _materials() -> tuple[bytes, ...]:
    return _derive(getattr(settings, "FIELD_ENCRYPTION_KEY", ""), settings.SECRET_KEY)


def _key_material() -> bytes:
    """The current key: the first of FIELD_ENCRYPTION_KEY (encrypts, and keys the lookup hashes)."""
    return _materials()[0]


@lru_cache(maxsize=4)
def _derive(configured: str, secret_key: str) -> tuple[bytes, ...]:
    """FIELD_ENCRYPTION_KEY is a comma-separated list of keys, the current one first."""
    keys = tuple(k.strip().encode() for k in configured.split(",") if k.strip())
    return keys or (development_key(secret_key).encode(),)


def development_key(secret_key: str | None = None) -> str:
    """The key used when FIELD_ENCRYPTION_KEY is unset (development only), derived from
    SECRET_KEY; list it after a new key to move such data onto a real key."""
    secret = settings.SECRET_KEY if secret_key is None else secret_key
    return hashlib.sha256(("field-encryption:" + secret).encode()).hexdigest()


@lru_cache(maxsize=16)
def _fernet(material: bytes) -> Fernet:
    try:
        return Fernet(material)
    except ValueError:
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material).digest()))


@lru_cache(maxsize=4)
def _all_keys(materials: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([_fernet(m) for m in materials])


@lru_cache(maxsize=4)
def _hash_key(material: bytes) -> bytes:
    return hashlib.sha256(b"lookup-hash:" + material).digest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of a token made by `encrypt` with any listed key; DecryptionError if none opens it."""
    if not token:
        return ""
    try:
        return _all_keys(_materials()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError() from None


def is_current(token: str | bytes) -> bool:
    """Whether a token was made with the current (first) key: key rotation leaves it alone."""
    raw = token.encode() if isinstance(token, str) else token
    try:
        _fernet(_key_material()).decrypt(raw)
    except InvalidToken:
        return False
    return True


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact lookup and duplicate checks."""
    if not value:
        return ""
    return hmac.new(_hash_key(_key_material()), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else ("*" * len(phone))


def mask_id_card(number: str) -> str:
    return f"{number[:4]}{'*' * (len(number) - 7)}{number[-3:]}" if len(number) > 7 else "*" * len(number)


def mask_student_no(number: str) -> str:
    """A national student number (学籍号) is often "G" + the ID-card number: keep the first five
    and the last three characters (G4101***********042); a short school number keeps its first
    and last two."""
    number = number or ""
    if len(number) >= 11:
        return f"{number[:5]}{'*' * (len(number) - 8)}{number[-3:]}"
    if len(number) > 4:
        return f"{number[0]}{'*' * (len(number) - 3)}{number[-2:]}"
    return "*" * len(number)


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a whole file (an uploaded roster holds ID-card and phone numbers)."""
    return _fernet(_key_material()).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt a file written by `encrypt_bytes` with any listed key; DecryptionError (a
    ValueError) when none opens it."""
    try:
        return _all_keys(_materials()).decrypt(token)
    except InvalidToken:
        raise DecryptionError("the file") from None


def encrypted_attribute(name: str, normalise: Callable[[str], str] | None = None) -> property:
    """A model attribute kept encrypted in `<name>_enc` with its keyed hash in `<name>_hash`
    (`normalise`, when given, is applied to the value first, as lookups apply it to the query)."""

    def get(obj: object) -> str:
        return decrypt(getattr(obj, f"{name}_enc"))

    def set_(obj: object, value: str) -> None:
        value = normalise(value) if normalise else value
        setattr(obj, f"{name}_enc", encrypt(value))
        setattr(obj, f"{name}_hash", lookup_hash(value))

    return property(get, set_, doc=f"{name}, encrypted at rest (invariant 6)")


def masked_attribute(name: str, mask: Callable[[str], str]) -> property:
    """The masked form of an attribute, for display."""
    return property(lambda obj: mask(getattr(obj, name)), doc=f"{name}, masked")
