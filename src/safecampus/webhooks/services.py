"""Endpoints (create, rotate, switch on/off) and deliveries (fan-out, attempts with back-off).

Publishing never waits for a receiver: an event only writes one Delivery row per subscribed
endpoint, on commit, and hands the first attempt to the background queue; later attempts follow the
back-off schedule, picked up by the sweep (`tasks.sweep_deliveries`) so that none is lost when a
worker restarts. An attempt first claims its delivery (compare-and-set on the attempt count), so
the queue and the sweep never post the same attempt twice.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit, events
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from . import signing, transport
from .models import Delivery, DeliveryStatus, Endpoint

# Seconds after the first attempt (Standard Webhooks' suggested schedule); then the delivery fails.
RETRY_AFTER = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
LEASE = dt.timedelta(minutes=2)  # an attempt in flight is not picked up again before this
ROTATION_GRACE = dt.timedelta(hours=24)  # the previous secret keeps signing this long
MAX_ENDPOINTS_PER_UNIT = 20
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


def _clean_url(value: Any) -> str:
    url = clean_text(value, 500, "url", required=_("Enter the receiver's address."))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(_("Only http:// and https:// addresses can receive webhooks."), field="url")
    if parts.username or parts.password:
        raise Invalid(
            _("Put no user name or password in the address; the signature proves the sender."), field="url"
        )
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not settings.WEBHOOK_ALLOW_PRIVATE and not literal.is_global:
        raise Invalid(_("Private, loopback and link-local addresses cannot receive webhooks."), field="url")
    return url


def _clean_events(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(_("Choose at least one event."), field="events")
    known = events.types()
    chosen = sorted({str(v) for v in value})
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise Invalid(_("Unknown event: %(name)s.") % {"name": unknown[0][:64]}, field="events")
    return chosen


def create_endpoint(unit: Unit, *, actor: Any, data: dict[str, Any]) -> tuple[Endpoint, str]:
    """A new endpoint of bureau ``unit``; answers it and its secret (shown once)."""
    require(actor, Perm.MANAGE_WEBHOOKS, unit)
    if not unit.is_bureau:
        raise Invalid(_("Webhook endpoints belong to an education bureau."), field="unit")
    url = _clean_url(data.get("url"))
    chosen = _clean_events(data.get("events"))
    description = clean_text(data.get("description"), 200, "description")
    if Endpoint.objects.filter(unit=unit).count() >= MAX_ENDPOINTS_PER_UNIT:
        raise Invalid(
            _("A bureau can have at most %(n)d endpoints.") % {"n": MAX_ENDPOINTS_PER_UNIT}, field="url"
        )
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint = Endpoint(url=url, events=chosen, description=description, created_by=actor)
        endpoint.set_unit(unit)
        endpoint.secret = secret
        endpoint.save()
        audit.record(actor, "webhook.created", endpoint, after={"url": url, "events": chosen})
    return endpoint, secret


def rotate_secret(endpoint: Endpoint, *, actor: Any) -> str:
    """A new secret; the previous one keeps signing for ``ROTATION_GRACE``."""
    require(actor, Perm.MANAGE_WEBHOOKS, endpoint.unit)
    secret = signing.new_secret()
    now = timezone.now()
    with transaction.atomic():
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = now + ROTATION_GRACE
        endpoint.secret = secret
        endpoint.rotated_at = now
        endpoint.save(
            update_fields=[
                "previous_secret_encrypted",
                "previous_secret_until",
                "secret_encrypted",
                "rotated_at",
            ]
        )
        audit.record(actor, "webhook.rotated", endpoint, after={"until": endpoint.previous_secret_until})
    return secret


def set_active(endpoint: Endpoint, *, actor: Any, active: bool) -> Endpoint:
    require(actor, Perm.MANAGE_WEBHOOKS, endpoint.unit)
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(active=bool(active))
        endpoint.active = bool(active)
        audit.record(actor, "webhook.enabled" if active else "webhook.disabled", endpoint)
    return endpoint


def signing_secrets(endpoint: Endpoint, now: dt.datetime) -> list[str]:
    out = [endpoint.secret]
    if (
        endpoint.previous_secret_encrypted
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > now
    ):
        out.append(endpoint.previous_secret)
    return out


def fan_out(event: events.Event) -> list[int]:
    """One delivery per active endpoint of the event's unit or its bureaus that subscribed to it."""
    paths = [*event.unit.ancestor_paths(), event.unit.path]
    endpoints = [
        e for e in Endpoint.objects.filter(active=True, unit_path__in=paths) if event.type in (e.events or [])
    ]
    payload = {"type": event.type, "timestamp": event.at.isoformat(), "data": event.data}
    created: list[int] = []
    for endpoint in endpoints:
        delivery = Delivery(
            endpoint=endpoint,
            message_id=event.id,
            event_type=event.type,
            event_unit=event.unit.code,
            payload=payload,
            next_attempt_at=event.at,
        )
        delivery.set_unit(endpoint.unit)
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:  # the same event heard twice
            continue
        created.append(delivery.pk)
    return created


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN).update(
            next_attempt_at=now + LEASE
        )
    )


def attempt(delivery_id: int) -> str | None:
    """Post a delivery once if it is due and not taken; answers its status afterwards."""
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    now = timezone.now()
    if delivery is None or delivery.status not in OPEN:
        return delivery.status if delivery else None
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return delivery.status
    if not delivery.endpoint.active or not _claim(delivery, now):
        return delivery.status
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    endpoint = delivery.endpoint
    headers = signing.headers(signing_secrets(endpoint, now), delivery.message_id, int(now.timestamp()), body)
    outcome = transport.post(endpoint.url, body, headers)
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status,
        "last_error": outcome.error[:300],
    }
    if outcome.ok:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None)
    elif attempts > len(RETRY_AFTER):
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    else:
        wait = RETRY_AFTER[attempts - 1]
        fields.update(status=DeliveryStatus.RETRYING, next_attempt_at=now + dt.timedelta(seconds=wait))
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return fields["status"]


def due(now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Deliveries whose next attempt is due, oldest first."""
    now = now or timezone.now()
    rows = Delivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now, endpoint__active=True)
    return list(rows.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
