"""Audit trail (痕迹化管理): append-only, hash-chained events written by services.

`record()` must run inside the service's transaction. It locks the chain head, so events are
chained in commit order on PostgreSQL and SQLite alike. `verify_chain()` recomputes every hash
and reports the first event that was altered, removed or inserted out of chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from . import context
from .models import AuditChainHead, AuditEvent, Unit

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON round trip so the hashed form equals what the database gives back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True))


def compute_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "unit_id": event.unit_id,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "address": event.address,
    }


def target_type_of(target: Any) -> str:
    if isinstance(target, models.Model):
        return target._meta.label_lower
    return type(target).__name__.lower() if target is not None else ""


def record(
    actor: Any,
    verb: str,
    target: Any = None,
    *,
    unit: Unit | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the change's transaction")
    if unit is None and isinstance(target, Unit):
        unit = target
    if unit is None:
        unit = getattr(target, "unit", None)
    ctx = context.current()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    actor_obj = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", ""))
        if actor_obj
        else "",
        unit=unit,
        verb=verb,
        target_type=target_type_of(target),
        target_id=str(getattr(target, "pk", "") or ""),
        target_repr=str(target)[:255] if target is not None else "",
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        request_id=ctx.request_id,
        address=ctx.address,
        prev_hash=head.last_hash,
        hash="pending-" + timezone.now().isoformat(),
    )
    event.save()
    event.hash = compute_hash(event.prev_hash, _hashed_fields(event))
    _set_hash(event)
    head.last_event_id = event.pk
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_event_id", "last_hash", "count"])
    return event


def _set_hash(event: AuditEvent) -> None:
    # The only write after insert: filling in the hash computed from the assigned id.
    models.QuerySet(AuditEvent).filter(pk=event.pk, hash__startswith="pending-").update(hash=event.hash)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""


def _iter_events() -> Iterator[AuditEvent]:
    yield from models.QuerySet(AuditEvent).order_by("id").iterator(chunk_size=2000)


def verify_chain() -> VerifyResult:
    head = AuditChainHead.objects.filter(pk=1).first()
    prev = GENESIS
    count = 0
    last_id = 0
    for event in _iter_events():
        count += 1
        if event.prev_hash != prev:
            return VerifyResult(False, count, event.pk, "previous event missing or altered")
        if compute_hash(event.prev_hash, _hashed_fields(event)) != event.hash:
            return VerifyResult(False, count, event.pk, "event content altered")
        prev = event.hash
        last_id = event.pk
    if head is None:
        if count:
            return VerifyResult(False, count, last_id, "chain head missing")
        return VerifyResult(True, 0)
    if head.count != count or head.last_hash != prev:
        return VerifyResult(
            False, count, head.last_event_id or None, "events after the last good one were removed"
        )
    return VerifyResult(True, count)


def timeline_for(target: models.Model, user: Any, *, related: Iterable[models.Model] = ()) -> models.QuerySet:
    """Events about one object (and closely related ones, e.g. a person's roles), scoped."""
    q = models.Q(target_type=target._meta.label_lower, target_id=str(target.pk))
    for obj in related:
        q |= models.Q(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return AuditEvent.objects.visible_to(user).filter(q).select_related("actor").order_by("-id")
