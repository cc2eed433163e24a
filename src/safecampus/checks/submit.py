"""Submitting a check (`submit(task, actor=, client_id=, answers=)`): every item of the task's
checklist version answered exactly once, all or nothing in one transaction, each failed item
raising exactly one hazard in the hazard loop (linked both ways), once per client id.

Who submits: staff holding `checks.do` at the school who are named on the schedule, hold its
post, or are the school's safety office, principal or school admin. A task is submitted while
open and until `closes_at` (after `due_at` it is late: `on_time` False). The status moves by a
compare-and-set: of two devices submitting at once one wins; the other gets the first's result
when it sent the same client id, else a clear "already done" (409).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at, memberships
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.files.checks import Media
from safecampus.core.files.store import files_kept_on_success
from safecampus.core.roles import Perm, Role
from safecampus.hazards import services as hazard_services
from safecampus.hazards.models import Source
from safecampus.risks.services import clean_text

from . import counting
from .models import Answer, AnswerKind, CheckPhoto, Kind, Result, Task, TaskStatus, TemplateItem
from .taskstate import mark_missed, snapshot

ANY_TASK_ROLES = frozenset({Role.SAFETY_STAFF, Role.PRINCIPAL, Role.SCHOOL_ADMIN})
MAX_PHOTOS = 9
MAX_TEXT = 500
SOURCES = {Kind.DAILY: Source.DAILY_INSPECTION, Kind.PATROL: Source.PATROL}


def may_do(user: Any, task: Task) -> bool:
    """May `user` submit `task`? (See the module docstring.)"""
    if not holds_at(user, Perm.DO_CHECKS, task.unit):
        return False
    roles = {m.role for m in memberships(user, Perm.DO_CHECKS) if m.unit_id == task.unit_id}
    if roles & ANY_TASK_ROLES:
        return True
    schedule = task.schedule
    if schedule.post_role and schedule.post_role in roles:
        return True
    return schedule.assignees.filter(pk=user.pk).exists()


@dataclass
class Checked:
    item: TemplateItem
    result: str
    number: Decimal | None = None
    text: str = ""
    note: str = ""
    photos: list[CheckPhoto] = field(default_factory=list)


def _key(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise Invalid(_("The client id must be a UUID."), field="client_id") from None


def _number(value: Any, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise Invalid(_("Enter a number."), field=where)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid(_("Enter a number."), field=where) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise Invalid(_("Enter a number."), field=where)
    return number.quantize(Decimal("0.01"))


def _photo_ids(value: Any, where: str) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)s photos an item.") % {"n": MAX_PHOTOS}, field=where)
    try:
        ids = [int(v) for v in value if not isinstance(v, bool)]
    except (TypeError, ValueError):
        ids = []
    if len(ids) != len(value) or any(not 0 < i < 2**63 for i in ids):
        raise Invalid(_("Choose photos taken at this school."), field=where)
    return list(dict.fromkeys(ids))


def _one(item: TemplateItem, raw: dict[str, Any], photos: dict[int, CheckPhoto]) -> Checked:
    where = f"answers.{item.pk}"
    result = raw.get("result")
    if result not in Result.values:
        raise Invalid(_("Answer pass, fail or not applicable."), field=f"{where}.result")
    out = Checked(item, result, note=clean_text(raw.get("note"), MAX_TEXT, f"{where}.note", multiline=True))
    value = raw.get("value")
    if item.answer_kind == AnswerKind.NUMBER:
        out.number = _number(value, f"{where}.value")
        if out.number is None and result != Result.NA:
            raise Invalid(_("Enter the measured value."), field=f"{where}.value")
        low, high = item.min_value, item.max_value
        outside = out.number is not None and (
            (low is not None and out.number < low) or (high is not None and out.number > high)
        )
        if outside and result == Result.PASS:
            raise Invalid(
                _("The value is outside the allowed range: the item fails."), field=f"{where}.value"
            )
    elif item.answer_kind == AnswerKind.TEXT:
        if value is not None and not isinstance(value, str):
            raise Invalid(_("Enter text."), field=f"{where}.value")
        out.text = clean_text(value, MAX_TEXT, f"{where}.value", multiline=True)
    ids = _photo_ids(raw.get("photos"), f"{where}.photos")
    out.photos = [photos[i] for i in ids if i in photos]
    if len(out.photos) != len(ids):
        raise Invalid(_("Choose photos taken at this school."), field=f"{where}.photos")
    if result == Result.FAIL and item.photo_required_on_fail and not out.photos:
        raise Invalid(_("Take a photo of what failed."), field=f"{where}.photos")
    return out


def check_answers(task: Task, answers: Any) -> list[Checked]:
    """Every item of the task's version answered exactly once, each answer valid; `Invalid`
    naming the first wrong field (`answers.<item id>…`). Nothing is written."""
    items = {i.pk: i for i in TemplateItem.objects.filter(version_id=task.version_id).order_by("order")}
    if not isinstance(answers, list) or not answers:
        raise Invalid(_("Answer every item of the check."), field="answers")
    by_item: dict[int, dict[str, Any]] = {}
    for n, raw in enumerate(answers):
        if not isinstance(raw, dict):
            raise Invalid(_("Each answer is an object."), field=f"answers.{n}")
        try:
            pk = int(raw.get("item"))
        except (TypeError, ValueError):
            pk = 0
        if pk not in items:
            raise Invalid(_("This item is not part of the check."), field=f"answers.{raw.get('item')}")
        if pk in by_item:
            raise Invalid(_("This item is answered twice."), field=f"answers.{pk}")
        by_item[pk] = raw
    for pk in items:
        if pk not in by_item:
            raise Invalid(_("Answer every item of the check."), field=f"answers.{pk}")
    wanted = {
        i
        for raw in by_item.values()
        if isinstance(raw.get("photos"), list)
        for i in raw["photos"]
        if isinstance(i, int) and not isinstance(i, bool)
    }
    photos = {p.pk: p for p in CheckPhoto.objects.filter(pk__in=wanted, unit_id=task.unit_id)}
    return [_one(items[pk], by_item[pk], photos) for pk in items]


def _refuse_settled(task: Task, key: uuid.UUID) -> Task:
    """The task is not open: the first submission's result for its own client id, else why not."""
    if task.status == TaskStatus.DONE:
        if task.client_id == key:
            return task
        raise Conflict(_("This check is already done."), field="status")
    if task.status == TaskStatus.MISSED:
        raise Conflict(_("This check was missed: it closed before it was submitted."), field="status")
    raise Conflict(_("This check was cancelled."), field="status")


def _media(photo: CheckPhoto) -> Media:
    with photo.image.open("rb") as f:
        data = f.read()
    png = photo.image.name.endswith(".png")
    return Media(io.BytesIO(data), len(data), "image/png" if png else "image/jpeg", "png" if png else "jpg")


def _raise_hazard(task: Task, row: Checked, *, actor: Any, key: uuid.UUID) -> int:
    template = task.schedule.template
    hazard, _created = hazard_services.report(
        task.unit,
        actor=actor,
        data={
            "client_id": str(uuid.uuid5(key, f"item-{row.item.pk}")),
            "source": SOURCES.get(template.kind, Source.SPECIAL_INSPECTION),
            "category": row.item.category,
            "location": f"{task.title}：{row.item.text}"[:200],
            "description": row.note
            or _("Failed in the check “%(check)s”: %(item)s") % {"check": task.title, "item": row.item.text},
        },
        photos=[_media(p) for p in row.photos],
    )
    return hazard.pk


def submit(task: Task, *, actor: Any, client_id: Any, answers: Any) -> Task:
    """Record a done check (see the module docstring). A replay with the same client id answers
    the task as first recorded; nothing new is written."""
    key = _key(client_id)
    if task.client_id == key:
        return task
    if Task.objects.filter(client_id=key).exclude(pk=task.pk).exists():
        raise Invalid(_("This client id was used for another check."), field="client_id")
    if not may_do(actor, task):
        raise PermissionDenied(Perm.DO_CHECKS)
    now = timezone.now()
    if task.status == TaskStatus.OPEN and now > task.closes_at:
        mark_missed(now, tasks=Task.objects.filter(pk=task.pk))
        task.refresh_from_db()
    if task.status != TaskStatus.OPEN:
        return _refuse_settled(task, key)
    if now < task.opens_at:
        raise Conflict(
            _("This check opens at %(at)s.") % {"at": timezone.localtime(task.opens_at).strftime("%H:%M")},
            field="status",
        )
    rows = check_answers(task, answers)
    failed = [r for r in rows if r.result == Result.FAIL]
    before = snapshot(task)
    try:
        with files_kept_on_success(), transaction.atomic():
            moved = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.DONE,
                done_at=now,
                done_by=actor,
                on_time=now <= task.due_at,
                client_id=key,
                failed_items=len(failed),
                hazards_raised=len(failed),
                status_changed_at=now,
            )
            if not moved:
                raise _Lost
            hazards = {r.item.pk: _raise_hazard(task, r, actor=actor, key=key) for r in failed}
            made = Answer.objects.bulk_create(
                [
                    Answer(
                        task=task,
                        item=r.item,
                        result=r.result,
                        value_number=r.number,
                        value_text=r.text,
                        note=r.note,
                        hazard_id=hazards.get(r.item.pk),
                    )
                    for r in rows
                ]
            )
            links = [
                Answer.photos.through(answer_id=a.pk, checkphoto_id=p.pk)
                for a, r in zip(made, rows, strict=True)
                for p in r.photos
            ]
            Answer.photos.through.objects.bulk_create(links)
            task.refresh_from_db()
            audit.record(
                actor,
                "check.submitted",
                task,
                before={"status": before["status"]},
                after={
                    "status": task.status,
                    "on_time": task.on_time,
                    "failed_items": task.failed_items,
                    "hazards": sorted(hazards.values()),
                    "late": not task.on_time,
                },
            )
            counting.changed(before, task)
    except (_Lost, IntegrityError):
        # Another device recorded this task first (or the same client id raced with itself).
        task.refresh_from_db()
        if task.status == TaskStatus.OPEN:
            raise
        return _refuse_settled(task, key)
    return task


class _Lost(Exception):
    """The compare-and-set found the task no longer open."""
