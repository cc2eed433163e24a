"""Login with lock-out, password changes and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import DomainError, Invalid
from safecampus.core.validators import normalise

from .backends import find_user
from .models import ApiToken, User
from .throttle import attempt_succeeded, begin_attempt


class LoginFailed(DomainError):
    status = 401


def login_user(
    identifier: str, password: str, *, address: str | None, request: Any = None, operators_only: bool = False
) -> User:
    """Check credentials with lock-out; record the attempt. Raises LoginFailed or LockedOut.

    Every way in uses it: the sign-in page, `POST /api/v1/auth/token` and the Django admin, which
    asks for `operators_only` (the right password of someone who is no operator is a failure
    there, with the same message: the admin login does not tell whose password is right)."""
    identifier = normalise(identifier)[:150]
    user = find_user(identifier) if identifier else None
    attempt = begin_attempt(identifier.lower(), address, user)  # counted before the password is checked
    authenticated = (
        authenticate(request, username=identifier, password=password or "") if identifier else None
    )
    if authenticated is not None and operators_only and not authenticated.is_staff:
        authenticated = None
    via = {"via": "admin"} if operators_only else None
    with transaction.atomic():
        if authenticated is None:
            if user is not None:
                audit.record(None, "auth.login_failed", user, unit=_home_unit(user), after=via)
        else:
            attempt_succeeded(attempt)
            audit.record(
                authenticated, "auth.login", authenticated, unit=_home_unit(authenticated), after=via
            )
    if authenticated is None:
        raise LoginFailed(_("The username/phone or password is not correct."))
    return authenticated


def _home_unit(user: User):
    m = user.memberships.filter(is_active=True).select_related("unit").order_by("id").first()
    return m.unit if m else None


@transaction.atomic
def change_password(user: User, *, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password or ""):
        raise Invalid(_("Your current password is not correct."), field="old_password")
    if old_password == new_password:
        raise Invalid(_("The new password must differ from the current one."), field="new_password")
    try:
        password_validation.validate_password(new_password or "", user)
    except ValidationError as exc:
        raise Invalid(" ".join(str(m) for m in exc.messages), field="new_password") from None
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(user, "auth.password_changed", user, unit=_home_unit(user))
    return user


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(user: User) -> str:
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=_digest(key),
        expires_at=timezone.now() + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    audit.record(user, "auth.token_issued", user, unit=_home_unit(user))
    return key


def user_for_token(key: str) -> User | None:
    """The active user of a live token. Every API request asks this, so the lookup is one
    statement written out once (a raw query: no ORM compilation of the user's many columns)."""
    if not key or len(key) > 200:
        return None
    now = timezone.now()
    user_table, token_table = connection.ops.quote_name(User._meta.db_table), ApiToken._meta.db_table
    sql = f"SELECT u.*, t.id AS token_id, t.last_used_at AS token_used_at FROM {user_table} u"  # noqa: S608
    sql += f" JOIN {token_table} t ON t.user_id = u.id"
    sql += " WHERE t.key_hash = %s AND t.revoked = %s AND t.expires_at > %s"
    found = list(User.objects.raw(sql, [_digest(key), False, connection.ops.adapt_datetimefield_value(now)]))
    if not found or not found[0].is_active:
        return None
    user = found[0]
    used = user.token_used_at
    if isinstance(used, str):  # SQLite hands extra columns back as text (UTC, without a zone)
        used = dt.datetime.fromisoformat(used)
    if used is not None and timezone.is_naive(used):
        used = used.replace(tzinfo=dt.UTC)
    if used is None or now - used > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"
POOL = UPPER + LOWER + DIGITS  # no 0/O/1/l/I confusion


def random_characters(alphabet: str, count: int) -> list[str]:
    """`count` characters drawn uniformly from `alphabet` (rejection sampling over random bytes)."""
    limit = 256 - 256 % len(alphabet)
    out: list[str] = []
    while len(out) < count:
        out += [alphabet[b % len(alphabet)] for b in secrets.token_bytes(count * 2) if b < limit]
    return out[:count]


def generate_initial_password(length: int = 10) -> str:
    """Readable random password with upper, lower and digits (about 58 bits for 10 characters).

    One random read per password (imports create tens of thousands at once)."""
    chars = (
        random_characters(UPPER, 1)
        + random_characters(LOWER, 1)
        + random_characters(DIGITS, 1)
        + random_characters(POOL, length - 3)
    )
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
