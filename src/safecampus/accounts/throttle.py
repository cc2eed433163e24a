"""Sign-in lock-out: failed attempts per account and per client address within a window.

Every attempt (sign-in, API token, Django admin, parent reset) goes through `begin_attempt`,
which checks the limits and records the attempt as failed *under one lock* per account and
address: parallel requests for one account queue on the lock, each sees the ones before it,
and the slow password check runs after the lock is released. A successful attempt is then
marked with `attempt_succeeded`. Settings: see "Sign-in protection" in docs/deployment.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from safecampus.core.errors import DomainError

from .models import LoginAttempt, LoginThrottle, User


class LockedOut(DomainError):
    status = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(
            ngettext(
                "Too many failed sign-in attempts. Please try again in %(n)d minute.",
                "Too many failed sign-in attempts. Please try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes}
        )
        self.minutes = minutes


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _minutes_left(failures: list[dt.datetime], limit: int) -> int:
    """Minutes until the oldest failure that keeps the count at the limit leaves the window."""
    relevant = sorted(failures)[-limit]
    end = relevant + dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    return max(1, int((end - timezone.now()).total_seconds() // 60) + 1)


def check_lockout(identifier: str, address: str | None, user: User | None) -> None:
    """Raise LockedOut while the account or the address is over its limit."""
    recent = LoginAttempt.objects.filter(at__gte=_window_start(), success=False)
    account = recent.filter(user=user) if user else recent.filter(identifier=identifier)
    account_times = list(account.values_list("at", flat=True))
    if len(account_times) >= settings.LOGIN_FAILURE_LIMIT:
        raise LockedOut(_minutes_left(account_times, settings.LOGIN_FAILURE_LIMIT))
    if address:
        _check_address(recent.filter(address=address))


def _check_address(failures: QuerySet[LoginAttempt]) -> None:
    """An address is locked only when it guesses across many accounts: a school's pupils and
    teachers share one NAT address, and one pupil's typos must not lock the others out."""
    seen = failures.aggregate(
        n=Count("id"),
        known=Count("user", distinct=True),
        unknown=Count("identifier", distinct=True, filter=Q(user__isnull=True)),
    )
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if seen["n"] >= limit and seen["known"] + seen["unknown"] >= settings.LOGIN_ADDRESS_MIN_ACCOUNTS:
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        raise LockedOut(_minutes_left(times, limit))


def _lock(keys: list[str]) -> None:
    """Hold the throttle rows of these keys until the transaction ends (created on first use;
    always locked in key order, so two requests never wait on each other crosswise)."""
    for _ in range(3):  # a purge may delete a row between the insert and the lock
        LoginThrottle.objects.bulk_create([LoginThrottle(key=k) for k in keys], ignore_conflicts=True)
        locked = list(
            LoginThrottle.objects.select_for_update().filter(key__in=keys).order_by("key").values_list("key")
        )
        if len(locked) == len(keys):
            return


def throttle_keys(identifier: str, address: str | None, user: User | None) -> list[str]:
    account = f"user:{user.pk}" if user is not None else f"name:{identifier}"
    return sorted([account, *([f"addr:{address}"] if address else [])])


def begin_attempt(identifier: str, address: str | None, user: User | None) -> LoginAttempt:
    """Check the lock-out and record this attempt as a failure, both under the throttle lock.

    Raises LockedOut (nothing recorded). The caller checks the secret afterwards, outside the lock,
    and calls `attempt_succeeded` when it was right."""
    with transaction.atomic():
        _lock(throttle_keys(identifier, address, user))
        check_lockout(identifier, address, user)
        return LoginAttempt.objects.create(identifier=identifier, address=address, user=user, success=False)


def attempt_succeeded(attempt: LoginAttempt) -> None:
    LoginAttempt.objects.filter(pk=attempt.pk).update(success=True)
    attempt.success = True
