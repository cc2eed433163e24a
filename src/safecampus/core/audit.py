"""Audit trail (痕迹化管理): append-only, hash-chained events written by services.

There is one chain per province (top-level unit), and a "platform" chain for events about no
unit. `record()` must run inside the service's transaction; it locks only its chain's head, so
events of one chain are chained in commit order on PostgreSQL and SQLite alike while provinces
never wait for each other. `verify_chains()` recomputes every hash of every chain and reports,
per chain, the first event that was altered, removed or inserted out of chain.
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
from .models import PLATFORM_CHAIN, AuditChain, AuditEvent, Unit

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
        "unit_path": event.unit_path,
        "chain": event.chain,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "address": event.address,
    }


def chain_key(unit_path: str) -> str:
    """The chain an event about a unit at this path joins: its province's, or the platform's."""
    return unit_path[: Unit.steplen] if unit_path else PLATFORM_CHAIN


def target_type_of(target: Any) -> str:
    if isinstance(target, models.Model):
        return target._meta.label_lower
    return type(target).__name__.lower() if target is not None else ""


def _locked_head(key: str) -> AuditChain:
    head, created = AuditChain.objects.select_for_update().get_or_create(key=key)
    if created and key != PLATFORM_CHAIN:
        head.unit = Unit.objects.filter(path=key).first()
        head.save(update_fields=["unit"])
    return head


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
    unit_path = unit.path if unit is not None else ""
    key = chain_key(unit_path)
    ctx = context.current()
    head = _locked_head(key)
    actor_obj = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", ""))
        if actor_obj
        else "",
        unit=unit,
        unit_path=unit_path,
        chain=key,
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
    chain: str = ""
    label: str = ""


def _iter_events(key: str) -> Iterator[AuditEvent]:
    yield from models.QuerySet(AuditEvent).filter(chain=key).order_by("id").iterator(chunk_size=2000)


def _verify_one(key: str, head: AuditChain | None, label: str) -> VerifyResult:
    prev = GENESIS
    count = 0
    last_id = 0
    for event in _iter_events(key):
        count += 1
        if event.prev_hash != prev:
            return VerifyResult(False, count, event.pk, "previous event missing or altered", key, label)
        if compute_hash(event.prev_hash, _hashed_fields(event)) != event.hash:
            return VerifyResult(False, count, event.pk, "event content altered", key, label)
        prev = event.hash
        last_id = event.pk
    if head is None:
        if count:
            return VerifyResult(False, count, last_id, "chain head missing", key, label)
        return VerifyResult(True, 0, chain=key, label=label)
    if head.count != count or head.last_hash != prev:
        reason = "events after the last good one were removed"
        return VerifyResult(False, count, head.last_event_id or None, reason, key, label)
    return VerifyResult(True, count, chain=key, label=label)


def _label(key: str, head: AuditChain | None) -> str:
    if key == PLATFORM_CHAIN:
        return PLATFORM_CHAIN
    unit = head.unit if head is not None and head.unit is not None else Unit.objects.filter(path=key).first()
    return f"{unit.code} ({key})" if unit is not None else key


def verify_chains() -> list[VerifyResult]:
    """Every chain checked on its own: the platform chain first, then the provinces by path."""
    heads = {h.key: h for h in AuditChain.objects.select_related("unit")}
    keys = set(heads) | set(models.QuerySet(AuditEvent).values_list("chain", flat=True).distinct())
    ordered = sorted(keys, key=lambda k: (k != PLATFORM_CHAIN, k))
    return [_verify_one(k, heads.get(k), _label(k, heads.get(k))) for k in ordered]


def verify_chain() -> VerifyResult:
    """All chains at once: ok when every chain is; else the first broken chain's result."""
    results = verify_chains()
    broken = [r for r in results if not r.ok]
    if broken:
        return broken[0]
    return VerifyResult(True, sum(r.checked for r in results))


def timeline_for(target: models.Model, user: Any, *, related: Iterable[models.Model] = ()) -> models.QuerySet:
    """Events about one object (and closely related ones, e.g. a person's roles), scoped."""
    q = models.Q(target_type=target._meta.label_lower, target_id=str(target.pk))
    for obj in related:
        q |= models.Q(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    return AuditEvent.objects.visible_to(user).filter(q).select_related("actor").order_by("-id")
