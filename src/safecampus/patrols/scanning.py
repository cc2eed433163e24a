"""A batch of scans from a guard's phone (sent when online, queued offline with device time).

Each item is `{"id": <uuid made by the phone>, "checkpoint": <code in the QR>, "at": <ISO time
on the device>}` and gets one result: `accepted` (stored, counted for its round), `duplicate`
(that id is stored already: a replay changes nothing) or `refused` with a translated reason —
a code that is no checkpoint of the caller's school (another school's code reads the same as an
unknown one), no round of that checkpoint's route open at that time, a malformed time, a device
time too far ahead of the server or too old.

The batch costs a fixed number of queries whatever its size: the stored ids, the checkpoints
and the rounds are read once, the scans written in bulk, the rounds touched recomputed once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.scoping import own_schools

from . import rounds as round_service
from . import rules
from .models import Checkpoint, PatrolRound, PatrolRoute, Scan
from .perms import SCAN

ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"


@dataclass
class Item:
    index: int
    raw_id: str
    id: uuid.UUID | None = None
    code: str = ""
    at: dt.datetime | None = None
    result: str | None = None
    reason: str | None = None
    round_id: int | None = None
    checkpoint: Checkpoint | None = None

    def refuse(self, reason: str) -> None:
        self.result, self.reason = REFUSED, reason

    def out(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.raw_id, "result": self.result}
        if self.reason:
            body["reason"] = self.reason
        if self.round_id is not None:
            body["round"] = self.round_id
        return body


def _parse(index: int, raw: Any) -> Item:
    if not isinstance(raw, dict):
        item = Item(index, "")
        item.refuse(_("Each scan must be an object with id, checkpoint and at."))
        return item
    raw_id = raw.get("id")
    item = Item(index, str(raw_id)[:64] if raw_id is not None else "")
    try:
        item.id = uuid.UUID(str(raw_id))
    except (ValueError, TypeError, AttributeError):
        item.refuse(_("The scan id must be a UUID."))
        return item
    item.raw_id = str(item.id)
    code = raw.get("checkpoint")
    item.code = code.strip().upper()[:64] if isinstance(code, str) else ""
    at = raw.get("at")
    try:
        moment = parse_datetime(at) if isinstance(at, str) and len(at) <= 40 else None
    except ValueError:
        moment = None
    if moment is None:
        item.refuse(_("The scan time is not a valid ISO date and time."))
        return item
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    item.at = moment
    return item


def record_scans(user: Any, batch: Any, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Store a batch of scans for `user` (see the module docstring); one result per item, in order.
    A batch that is not a list, or longer than the policy's maximum, is refused whole (400)."""
    nums = rules.default_numbers()
    if not isinstance(batch, list):
        raise Invalid(_("Send the scans as a JSON array."), field="scans")
    if len(batch) > nums.max_batch:
        raise Invalid(_("Send at most %(n)s scans at once.") % {"n": nums.max_batch}, field="scans")
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _record(user, batch, now or timezone.now(), nums)
        except IntegrityError:  # the same scan arrived twice at once: the replay finds it stored
            if attempt:
                raise
    return []  # pragma: no cover


def _record(user: Any, batch: list[Any], now: dt.datetime, nums: rules.Numbers) -> list[dict[str, Any]]:
    items = [_parse(i, raw) for i, raw in enumerate(batch)]
    live = [it for it in items if it.result is None]
    schools = own_schools(user, SCAN)
    # replays: ids already stored (and repeats inside this batch)
    stored = dict(Scan.objects.filter(id__in=[it.id for it in live]).values_list("id", "round_id"))
    seen: set[uuid.UUID] = set()
    for it in live:
        if it.id in stored or it.id in seen:
            it.result = DUPLICATE
            it.round_id = stored.get(it.id)
        seen.add(it.id)
    live = [it for it in live if it.result is None]
    # checkpoints of the caller's schools (another school's code answers like an unknown one)
    codes = {it.code for it in live if it.code}
    found = Checkpoint.objects.filter(
        code__in=codes, active=True, route__active=True, unit_id__in=list(schools)
    )
    points = {c.code: c for c in found} if codes and schools else {}
    for it in live:
        it.checkpoint = points.get(it.code)
        if it.checkpoint is None:
            it.refuse(_("This code is not a checkpoint of your school."))
        elif it.at > now + nums.max_skew:
            it.refuse(_("The phone's clock is ahead of the server's: set the phone's time and scan again."))
        elif it.at < now - nums.max_age:
            it.refuse(_("This scan is too old to be counted."))
    live = [it for it in live if it.result is None]
    if live:
        _assign_rounds(live, nums)
    live = [it for it in live if it.result is None]
    scans = [
        Scan(id=it.id, round_id=it.round_id, checkpoint=it.checkpoint, at=it.at, received_at=now,
             scanned_by=user, unit_id=it.checkpoint.unit_id, unit_path=it.checkpoint.unit_path)
        for it in live
    ]  # fmt: skip
    if scans:
        Scan.objects.bulk_create(scans, batch_size=500)
        touched = list(PatrolRound.objects.filter(pk__in={s.round_id for s in scans}))
        moved = round_service.recompute(touched, now=now, nums=nums)
        _audit(user, live, touched, moved, schools)
    for it in live:
        it.result = ACCEPTED
    return [it.out() for it in items]


def _assign_rounds(items: list[Item], nums: rules.Numbers) -> None:
    """The round of each scan: of its checkpoint's route, whose window ± the tolerance holds the
    device time. The days concerned get their rounds first (a route added today scans at once)."""
    route_ids = {it.checkpoint.route_id for it in items}
    tz = timezone.get_default_timezone()
    days = set()
    for it in items:
        local = it.at.astimezone(tz).date()
        days.update({local, local - dt.timedelta(days=1)})  # a night round may start the day before
    routes = list(PatrolRoute.objects.filter(pk__in=route_ids, active=True))
    round_service.create_for(routes, days)
    lo = min(it.at for it in items) - nums.tolerance
    hi = max(it.at for it in items) + nums.tolerance
    by_route: dict[int, list[PatrolRound]] = defaultdict(list)
    for rnd in PatrolRound.objects.filter(route_id__in=route_ids, window_start__lte=hi, due_end__gte=lo):
        by_route[rnd.route_id].append(rnd)
    for it in items:
        found = round_service.current_round(by_route[it.checkpoint.route_id], it.at, nums.tolerance)
        if found is None:
            it.refuse(_("No patrol round of this checkpoint's route is open at the time of the scan."))
        else:
            it.round_id = found.pk


def _audit(user: Any, items: list[Item], touched: list[PatrolRound], moved: list[PatrolRound],
           schools: dict[int, Any]) -> None:  # fmt: skip
    per_school: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        per_school[it.checkpoint.unit_id].append(it)
    moved_ids = {r.pk: r.status for r in moved}
    for unit_id, mine in per_school.items():
        rounds = sorted({it.round_id for it in mine})
        audit.record(user, "patrol.scanned", schools[unit_id], after={
            "scans": len(mine), "rounds": rounds,
            "statuses": {str(r): moved_ids[r] for r in rounds if r in moved_ids},
        })  # fmt: skip
