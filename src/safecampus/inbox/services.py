"""Sending and reading notifications.

`notify` is called by other services (which check their own permissions and audit the action
that sends the reminders); a notification itself is a delivery, not a change of business data,
so neither sending nor reading one writes an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from safecampus.core.models import Unit

from .models import Notification


def safe_link(link: str) -> str:
    """Only links inside the site are kept (no open redirect through a notification)."""
    link = (link or "").strip()
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None) and link.startswith("/"):
        return link[:500]
    return ""


@transaction.atomic
def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    unit: Unit,
    params: dict[str, Any] | None = None,
) -> int:
    """Send one notification to each user; with a `dedupe_key`, users who already have one with
    that key get nothing new. Returns how many were created."""
    user_ids = sorted({getattr(u, "pk", u) for u in users if getattr(u, "pk", u)})
    if not user_ids:
        return 0
    if dedupe_key:
        have = set(
            Notification.objects.filter(user_id__in=user_ids, dedupe_key=dedupe_key).values_list(
                "user_id", flat=True
            )
        )
        user_ids = [u for u in user_ids if u not in have]
    rows = [
        Notification(
            user_id=uid,
            unit=unit,
            unit_path=unit.path,
            kind=kind,
            title=title[:200],
            body=body,
            params=params or {},
            link=safe_link(link),
            dedupe_key=dedupe_key[:120],
        )
        for uid in user_ids
    ]
    # A concurrent run that wrote the same key first wins; ours is skipped, never doubled.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)


def notification_for(user: Any, notification_id: int) -> Notification:
    """One of the user's own notifications; 404 alike for missing and someone else's."""
    return get_object_or_404(Notification.objects.visible_to(user), pk=notification_id)


def mark_read(user: Any, notification_id: int) -> Notification:
    note = notification_for(user, notification_id)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
        note.refresh_from_db(fields=["read_at"])
    return note


def mark_all_read(user: Any) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()
