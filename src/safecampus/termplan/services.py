"""Every change to a term safety plan goes through here: permission, validation, write, audit,
roll-up deltas.

The school's managers (`duties.manage` at the school: school admin, principal, safety office)
create the plan of the current or next term from a template, edit its monthly themes and items,
publish it; mark items done with evidence (a note, a photo or a PDF) and summarise them. A
special-check item can create the one-off check schedule of the checks module (through its
service) and keep the link. Bad input raises `Invalid` (translated, nothing changed); an action
the item's state does not allow raises `Conflict`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.cleaning import client_uuid, iso_date
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.files.checks import check_document, reencode_image
from safecampus.core.files.store import delete_on_commit, files_kept_on_success, save_media
from safecampus.core.models import Unit, UnitKind
from safecampus.core.months import month_key
from safecampus.core.roles import Perm, Role
from safecampus.risks.services import clean_text
from safecampus.schoolcal.calendar import Term, calendar_for

from . import counting, templates
from .models import (
    ITEM_TRANSITIONS,
    PLAN_TRANSITIONS,
    ItemKind,
    ItemStatus,
    MonthTheme,
    PlanItem,
    PlanTemplate,
    TermPlan,
)

PERM = Perm.MANAGE_DUTIES
MAX_EVIDENCE_MB = 15
WHICH = ("current", "next")


def may_manage(user: Any, unit: Unit) -> bool:
    """May the user change the school's plan (`duties.manage` at the school itself)?"""
    return holds_at(user, PERM, unit, here=True)


def _require(user: Any, unit: Unit) -> None:
    if not may_manage(user, unit):
        raise PermissionDenied(PERM)


_client_id = client_uuid


_date = iso_date


# -- terms -------------------------------------------------------------------------------------
def term_of(unit: Unit, which: str = "current", *, today: dt.date | None = None) -> Term | None:
    """The school's current term (the one running today, or the next when between terms) or the
    one after it, from the school calendar."""
    today = today or timezone.localdate()
    cal = calendar_for(unit, on=today)
    ahead = [t for t in cal.terms(today, today + dt.timedelta(days=400)) if t.end >= today]
    current = cal.term_for(today) or (ahead[0] if ahead else None)
    if which == "current" or current is None:
        return current
    later = [t for t in ahead if t.start > current.end]
    return later[0] if later else None


# -- plans -------------------------------------------------------------------------------------
def _template(unit: Unit, kind: str, value: Any) -> PlanTemplate:
    choices = templates.templates_for(unit.school_type, kind)
    if value in (None, ""):
        if not choices:
            raise Invalid(_("There is no plan template for this term."), field="template")
        return choices[0]
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        pk = 0
    found = next((t for t in choices if t.pk == pk), None)
    if found is None:
        raise Invalid(_("Choose a template for this term."), field="template")
    return found


@transaction.atomic
def create_plan(unit: Unit, *, actor: Any, which: str = "current", template: Any = None) -> TermPlan:
    """The school's plan for the current or next term from a template: the months' themes and the
    items dated on the term's school days (holidays and weekends skipped)."""
    _require(actor, unit)
    if unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("A term safety plan belongs to a school."), field="unit")
    if which not in WHICH:
        raise Invalid(_("Choose the current or the next term."), field="which")
    term = term_of(unit, which)
    if term is None:
        raise Invalid(_("The school calendar has no such term."), field="which")
    kind = templates.term_kind(term)
    key = templates.term_key(term)
    if TermPlan.objects.filter(unit=unit, term_key=key).exists():
        raise Invalid(_("The school already has a plan for this term."), field="which")
    tpl = _template(unit, kind, template)
    cal = calendar_for(unit, on=term.start)
    plan = TermPlan(
        template=tpl,
        title=f"{unit.name}{term.start.year}–{term.end.year}学年{term.name}安全工作计划",
        term_name=term.name,
        term_kind=kind,
        term_key=key,
        term_start=term.start,
        term_end=term.end,
        created_by=actor,
    )
    plan.set_unit(unit)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # created at the same moment by a colleague
        raise Invalid(_("The school already has a plan for this term."), field="which") from None
    MonthTheme.objects.bulk_create(
        [MonthTheme(plan=plan, month=m, theme=zh, theme_en=en) for m, (zh, en) in
         templates.themes_in_term(tpl, term, cal).items()]
    )  # fmt: skip
    items = [
        PlanItem(plan=plan, unit=unit, unit_path=unit.path, term_key=key, month=month_key(d.planned_on),
                 kind=d.kind, title=d.title, title_en=d.title_en, owner=d.owner, planned_on=d.planned_on,
                 order=d.order)
        for d in templates.date_items(tpl, term, cal)
    ]  # fmt: skip
    PlanItem.objects.bulk_create(items)
    counting.record_new([plan, *items])
    audit.record(actor, "term_plan.created", plan, after={**plan.audit_snapshot(), "items": len(items)})
    return plan


@transaction.atomic
def set_plan_status(plan: TermPlan, *, actor: Any, action: str) -> TermPlan:
    """Publish or withdraw a plan (compare-and-set on the status)."""
    _require(actor, plan.unit)
    if action not in PLAN_TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    sources, target, verb = PLAN_TRANSITIONS[action]
    before = counting.snapshot(plan)
    fields: dict[str, Any] = {"status": target, "updated_at": timezone.now()}
    if action == "publish":
        fields["published_at"] = timezone.now()
    if not TermPlan.objects.filter(pk=plan.pk, status__in=sources).update(**fields):
        raise Conflict(_("This plan cannot be changed so in its current state."))
    plan.refresh_from_db()
    counting.changed(before, plan)
    audit.record(actor, verb, plan, before={"status": before.status}, after={"status": plan.status})
    return plan


@transaction.atomic
def update_theme(theme: MonthTheme, *, actor: Any, data: dict[str, Any]) -> MonthTheme:
    """Change a month's theme and/or its summary."""
    _require(actor, theme.plan.unit)
    before = {"theme": theme.theme, "summary": theme.summary}
    if "theme" in data:
        text = clean_text(data.get("theme"), 200, "theme")
        if not text:
            raise Invalid(_("Enter the month's theme."), field="theme")
        if text != theme.theme:
            theme.theme, theme.theme_en = text, ""
    if "summary" in data:
        theme.summary = clean_text(data.get("summary"), 4000, "summary", multiline=True)
    after = {"theme": theme.theme, "summary": theme.summary}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        theme.save()
        audit.record(actor, "month_theme.changed", theme, unit=theme.plan.unit,
                     before={k: before[k] for k in changed}, after=changed)  # fmt: skip
    return theme


# -- items -------------------------------------------------------------------------------------
def clean_item(plan: TermPlan, data: dict[str, Any]) -> dict[str, Any]:
    """An item's fields from `data`; `Invalid` on the first wrong field."""
    kind = data.get("kind")
    if kind not in ItemKind.values:
        raise Invalid(_("Choose the kind of item."), field="kind")
    title = clean_text(data.get("title"), 200, "title")
    if not title:
        raise Invalid(_("Enter what is to be done."), field="title")
    day = _date(data.get("planned_on"), "planned_on")
    if day is None:
        raise Invalid(_("Enter the planned date."), field="planned_on")
    if not plan.term_start <= day <= plan.term_end:
        raise Invalid(_("The planned date must lie in the term."), field="planned_on")
    owner = clean_text(data.get("owner"), 60, "owner")
    return {"kind": kind, "title": title, "planned_on": day, "month": month_key(day), "owner": owner}


@transaction.atomic
def add_item(plan: TermPlan, *, actor: Any, data: dict[str, Any]) -> PlanItem:
    _require(actor, plan.unit)
    fields = clean_item(plan, data)
    item = PlanItem(plan=plan, term_key=plan.term_key, **fields)
    item.set_unit(plan.unit)
    item.save()
    counting.changed(None, item)
    audit.record(actor, "plan_item.added", item, after=item.audit_snapshot())
    return item


@transaction.atomic
def update_item(item: PlanItem, *, actor: Any, data: dict[str, Any]) -> PlanItem:
    """Change a planned item (done ones keep what was done: reopen first)."""
    _require(actor, item.unit)
    if item.status != ItemStatus.PLANNED:
        raise Conflict(_("Only a planned item can be changed."))
    fields = clean_item(item.plan, data)
    before = item.audit_snapshot()
    if fields["title"] != item.title:
        item.title_en = ""
    for name, value in fields.items():
        setattr(item, name, value)
    after = item.audit_snapshot()
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        item.save()
        audit.record(actor, "plan_item.changed", item, before={k: before[k] for k in changed}, after=changed)
    return item


def _evidence(upload: Any) -> Any:
    """A photo (re-encoded) or a PDF, checked by content."""
    head = upload.read(5) if hasattr(upload, "read") else bytes(upload[:5])
    if hasattr(upload, "seek"):
        upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return check_document(upload, limit_mb=MAX_EVIDENCE_MB)
        return reencode_image(upload, max_side=1600, limit_mb=MAX_EVIDENCE_MB)
    except Invalid as exc:
        raise Invalid(exc.message, field="file") from None


def _move(item: PlanItem, action: str, **fields: Any) -> None:
    sources, target, _verb = ITEM_TRANSITIONS[action]
    if not PlanItem.objects.filter(pk=item.pk, status__in=sources).update(
        status=target, updated_at=timezone.now(), **fields
    ):
        raise Conflict(_("This item cannot be changed so in its current state."))


def _replayed(item: PlanItem, field: str, key: uuid.UUID | None) -> PlanItem | None:
    if key is None:
        return None
    return PlanItem.objects.filter(plan_id=item.plan_id, **{field: key}).first()


def replayed_done(item: PlanItem, client_id: Any) -> bool:
    """Was the item marked done already with this client id (a retry)?"""
    try:
        return _replayed(item, "done_client_id", _client_id(client_id)) is not None
    except Invalid:
        return False


def mark_done(
    item: PlanItem,
    *,
    actor: Any,
    note: Any = "",
    file: Any = None,
    done_on: Any = None,
    client_id: Any = None,
) -> tuple[PlanItem, bool]:
    """Mark a planned item done with its evidence: a note, a photo or PDF, or both (one needed).
    A retry with the same client id answers the item as first marked (created False)."""
    _require(actor, item.unit)
    key = _client_id(client_id)
    first = _replayed(item, "done_client_id", key)
    if first is not None:
        return first, False
    text = clean_text(note, 4000, "note", multiline=True)
    day = _date(done_on, "done_on") or timezone.localdate()
    if day > timezone.localdate():
        raise Invalid(_("The day it was done cannot be in the future."), field="done_on")
    if day < item.plan.term_start - dt.timedelta(days=31):
        raise Invalid(_("The day it was done lies before the term."), field="done_on")
    if not text and file is None:
        raise Invalid(_("Describe what was done or attach a photo or document."), field="note")
    if item.status not in ITEM_TRANSITIONS["done"][0]:
        raise Conflict(_("This item cannot be changed so in its current state."))
    media = _evidence(file) if file is not None else None
    try:
        with files_kept_on_success(), transaction.atomic():
            before = counting.snapshot(item)
            fields: dict[str, Any] = {
                "done_on": day,
                "done_by": actor,
                "evidence_note": text,
                "done_client_id": key,
            }
            if media is not None:
                save_media(item.evidence_file, media)
                fields.update(evidence_file=item.evidence_file.name, evidence_type=media.content_type)
            _move(item, "done", **fields)
            item.refresh_from_db()
            counting.changed(before, item)
            audit.record(actor, "plan_item.done", item, before={"status": before.status},
                         after={"status": item.status, "done_on": day.isoformat(), "note": text,
                                "file": bool(media)})  # fmt: skip
    except IntegrityError:
        first = _replayed(item, "done_client_id", key)
        if first is None:
            raise
        return first, False
    return item, True


def summarise(item: PlanItem, *, actor: Any, summary: Any, client_id: Any = None) -> tuple[PlanItem, bool]:
    """Write the summary of a done item (总结). A retry with the same client id answers the first."""
    _require(actor, item.unit)
    key = _client_id(client_id)
    first = _replayed(item, "summary_client_id", key)
    if first is not None:
        return first, False
    text = clean_text(summary, 4000, "summary", multiline=True)
    if not text:
        raise Invalid(_("Write the summary."), field="summary")
    if item.status not in ITEM_TRANSITIONS["summarise"][0]:
        raise Conflict(_("Only a done item can be summarised."))
    try:
        with transaction.atomic():
            before = counting.snapshot(item)
            _move(item, "summarise", summary=text, summarised_at=timezone.now(), summarised_by=actor,
                  summary_client_id=key)  # fmt: skip
            item.refresh_from_db()
            counting.changed(before, item)
            audit.record(actor, "plan_item.summarised", item, before={"status": before.status},
                         after={"status": item.status, "summary": text})  # fmt: skip
    except IntegrityError:
        first = _replayed(item, "summary_client_id", key)
        if first is None:
            raise
        return first, False
    return item, True


@transaction.atomic
def reopen(item: PlanItem, *, actor: Any) -> PlanItem:
    """Back to planned (a mistaken "done"): the evidence is removed."""
    _require(actor, item.unit)
    before = counting.snapshot(item)
    old_file = item.evidence_file.name
    was = {
        "status": before.status,
        "done_on": item.done_on and item.done_on.isoformat(),
        "note": item.evidence_note,
        "file": old_file.rsplit("/", 1)[-1] or None,
    }
    _move(item, "reopen", done_on=None, done_by=None, evidence_note="", evidence_file="", evidence_type="",
          done_client_id=None)  # fmt: skip
    item.refresh_from_db()
    delete_on_commit(old_file)
    counting.changed(before, item)
    audit.record(
        actor, "plan_item.reopened", item, before=was, after={"status": item.status}
    )  # the evidence removed stays in the record: what it was, when it was done
    return item


# -- the checks module -------------------------------------------------------------------------
def create_check_schedule(
    item: PlanItem, *, actor: Any, template: Any, time: str = "08:30", post_role: str = Role.SAFETY_STAFF
) -> PlanItem:
    """A one-off check schedule of the checks module for a planned special-check item, on its
    planned date, created through the checks' service (its permission and validation), linked."""
    from safecampus.checks import schedules

    _require(actor, item.unit)
    if item.kind != ItemKind.SPECIAL_CHECK:
        raise Invalid(_("Only a special check item schedules a check."), field="kind")
    if item.status != ItemStatus.PLANNED:
        raise Conflict(_("Only a planned item can be changed."))
    if item.schedule_id is not None:
        raise Conflict(_("A check is already scheduled for this item."))
    if item.planned_on < timezone.localdate():
        raise Invalid(_("The planned date is past: change it first."), field="planned_on")
    data = {
        "template": template,
        "title": item.title[:160],
        "rule": {"kind": "dates", "dates": [item.planned_on.isoformat()], "times": [time]},
        "post_role": post_role,
    }
    with transaction.atomic():
        schedule = schedules.create_schedule(item.unit, actor=actor, data=data)
        PlanItem.objects.filter(pk=item.pk).update(schedule=schedule, updated_at=timezone.now())
        item.refresh_from_db()
        audit.record(actor, "plan_item.check_scheduled", item, after={"schedule": schedule.pk})
    return item
