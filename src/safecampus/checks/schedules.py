"""Every change to a check schedule (检查计划) goes through here: permission, validation, write,
audit.

A school's managers (school admin, principal, safety office: `checks.manage_templates` at the
school) schedule checklists the school reads (its own, or published by a bureau above it) on a
recurrence rule read against the school's calendar, for a post (a school role) or named people
of the school. A bureau's managers schedule a special check for every active school of their
area in one step (`for_area`: one row at the bureau, expanded by the generator). A schedule is
paused, resumed or retired through one transition table; pausing or retiring cancels the tasks
not yet opened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.cleaning import iso_date
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Perm, school_roles
from safecampus.risks.services import clean_text
from safecampus.schoolcal.calendar import calendar_for
from safecampus.schoolcal.recurrence import rule_error, validate_rule

from .models import ChecklistTemplate, Schedule, ScheduleStatus, Task, TemplateStatus
from .queries import available_at
from .taskstate import move

# action: (from statuses, to status, audit verb)
SCHEDULE_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "pause": (frozenset({ScheduleStatus.ACTIVE}), ScheduleStatus.PAUSED, "check_schedule.paused"),
    "resume": (frozenset({ScheduleStatus.PAUSED}), ScheduleStatus.ACTIVE, "check_schedule.resumed"),
    "retire": (
        frozenset({ScheduleStatus.ACTIVE, ScheduleStatus.PAUSED}),
        ScheduleStatus.RETIRED,
        "check_schedule.retired",
    ),
}
MAX_MINUTES = 7 * 24 * 60
MAX_PEOPLE = 50


def may_manage_schedules(user: Any, unit: Unit) -> bool:
    return holds_at(user, Perm.MANAGE_CHECK_TEMPLATES, unit, here=True)


def _require(user: Any, unit: Unit) -> None:
    if not may_manage_schedules(user, unit):
        raise PermissionDenied(Perm.MANAGE_CHECK_TEMPLATES)


def ensured_key(school_id: int, day: dt.date) -> str:
    """The cache key marking that a school's tasks of a day were generated (see generate)."""
    return f"checks:ensured:{school_id}:{day.isoformat()}"


def forget_ensured(unit: Unit) -> None:
    """A schedule changed: today's and tomorrow's tasks are generated again on the next read."""
    if unit.kind != UnitKind.SCHOOL:
        return  # an area schedule: the schools' marks expire within minutes
    today = timezone.localdate()
    cache.delete_many([ensured_key(unit.pk, today + dt.timedelta(days=n)) for n in (0, 1)])


def readable_template(unit: Unit, value: Any) -> ChecklistTemplate:
    """A checklist the unit reads (its own, or published by a bureau above), in use, with items."""
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        pk = 0
    template = available_at(unit).select_related("current_version").filter(pk=pk).first() if pk else None
    if template is None:
        raise Invalid(_("Choose a checklist your unit uses."), field="template")
    if template.status != TemplateStatus.ACTIVE or template.current_version_id is None:
        raise Invalid(_("This checklist is retired: choose one in use."), field="template")
    return template


def _minutes(value: Any, field: str, default: int, low: int = 0) -> int:
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = -1
    if isinstance(value, bool) or not low <= n <= MAX_MINUTES:
        raise Invalid(
            _("Enter a number of minutes from %(low)s to %(high)s.") % {"low": low, "high": MAX_MINUTES},
            field=field,
        )
    return n


_date = iso_date


def _people(unit: Unit, values: Any) -> list[int]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple) or len(values) > MAX_PEOPLE:
        raise Invalid(_("Choose at most %(n)s people.") % {"n": MAX_PEOPLE}, field="assignees")
    try:
        ids = {int(getattr(v, "pk", v)) for v in values}
    except (TypeError, ValueError):
        raise Invalid(_("Choose staff members of this school."), field="assignees") from None
    staff = {
        m.user_id
        for m in Membership.objects.filter(unit=unit, user_id__in=ids, is_active=True, user__is_active=True)
        if holds_at(m.user, Perm.DO_CHECKS, unit)
    }
    if staff != ids:
        raise Invalid(_("Choose staff members of this school."), field="assignees")
    return sorted(ids)


def clean_schedule(unit: Unit, data: dict[str, Any], *, for_area: bool) -> dict[str, Any]:
    """The schedule's fields from `data`; `Invalid` on the first wrong field."""
    out: dict[str, Any] = {"template": readable_template(unit, data.get("template"))}
    title = clean_text(data.get("title"), 160, "title")
    out["title"] = title or out["template"].title_zh or out["template"].title
    try:
        out["rule"] = validate_rule(data.get("rule"), calendar_for(unit))
    except ValidationError as exc:
        field, message = rule_error(exc)
        raise Invalid(message, field="rule" if field == "rule" else f"rule.{field}") from None
    role = data.get("post_role") or ""
    if role and role not in school_roles():
        raise Invalid(_("Choose a post of the school."), field="post_role")
    out["assignees"] = [] if for_area else _people(unit, data.get("assignees"))
    if for_area and data.get("assignees"):
        raise Invalid(_("A check for the whole area is assigned to a post."), field="assignees")
    if out["assignees"]:
        role = ""  # named people take the task; the post is not asked too
    if not role and not out["assignees"]:
        raise Invalid(_("Choose the post or the people who do this check."), field="post_role")
    out["post_role"] = role
    out["duration_minutes"] = _minutes(data.get("duration_minutes"), "duration_minutes", 60, low=1)
    out["grace_minutes"] = _minutes(data.get("grace_minutes"), "grace_minutes", 30)
    out["remind_minutes"] = _minutes(data.get("remind_minutes"), "remind_minutes", 15)
    out["starts_on"] = _date(data.get("starts_on"), "starts_on")
    out["ends_on"] = _date(data.get("ends_on"), "ends_on")
    if out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        raise Invalid(_("The end date is before the start date."), field="ends_on")
    return out


def _snapshot(s: Schedule) -> dict[str, Any]:
    return {
        "title": s.title,
        "template": s.template_id,
        "rule": s.rule,
        "for_area": s.for_area,
        "post_role": s.post_role,
        "assignees": sorted(s.assignees.values_list("pk", flat=True)) if s.pk else [],
        "duration_minutes": s.duration_minutes,
        "grace_minutes": s.grace_minutes,
        "starts_on": s.starts_on.isoformat() if s.starts_on else None,
        "ends_on": s.ends_on.isoformat() if s.ends_on else None,
        "status": s.status,
    }


def create_schedule(unit: Unit, *, actor: Any, data: dict[str, Any]) -> Schedule:
    """A school's schedule, or (at a bureau) a special check for every school of its area."""
    _require(actor, unit)
    for_area = unit.is_bureau
    if not for_area and unit.kind != UnitKind.SCHOOL:
        raise Invalid(_("Checks are scheduled at a school or for a bureau's area."), field="unit")
    fields = clean_schedule(unit, data, for_area=for_area)
    people = fields.pop("assignees")
    with transaction.atomic():
        schedule = Schedule(for_area=for_area, created_by=actor, **fields)
        schedule.set_unit(unit)
        schedule.save()
        schedule.assignees.set(people)
        audit.record(actor, "check_schedule.created", schedule, after=_snapshot(schedule))
    forget_ensured(unit)
    return schedule


def update_schedule(schedule: Schedule, *, actor: Any, data: dict[str, Any]) -> Schedule:
    """Change a schedule: tasks already generated keep their times; later ones follow the change."""
    _require(actor, schedule.unit)
    if schedule.status == ScheduleStatus.RETIRED:
        raise Conflict(_("This schedule is retired."))
    fields = clean_schedule(schedule.unit, data, for_area=schedule.for_area)
    people = fields.pop("assignees")
    with transaction.atomic():
        before = _snapshot(schedule)
        for name, value in fields.items():
            setattr(schedule, name, value)
        schedule.save()
        schedule.assignees.set(people)
        after = _snapshot(schedule)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed:
            audit.record(
                actor,
                "check_schedule.changed",
                schedule,
                before={k: before[k] for k in changed},
                after=changed,
            )
    forget_ensured(schedule.unit)
    return schedule


def cancel_future_tasks(schedule: Schedule) -> int:
    """Cancel the schedule's open tasks that have not opened yet (through the transition table)."""
    now = timezone.now()
    return move(Task.objects.filter(schedule=schedule, opens_at__gt=now), "cancel", now)


def set_status(schedule: Schedule, *, actor: Any, action: str) -> Schedule:
    """Pause, resume or retire a schedule (compare-and-set on the status)."""
    _require(actor, schedule.unit)
    if action not in SCHEDULE_TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    sources, target, verb = SCHEDULE_TRANSITIONS[action]
    with transaction.atomic():
        moved = Schedule.objects.filter(pk=schedule.pk, status__in=sources).update(
            status=target, updated_at=timezone.now()
        )
        if not moved:
            raise Conflict(_("This schedule cannot be changed so in its current state."))
        before = schedule.status
        schedule.refresh_from_db()
        cancelled = cancel_future_tasks(schedule) if target != ScheduleStatus.ACTIVE else 0
        audit.record(
            actor, verb, schedule, before={"status": before}, after={"status": target, "cancelled": cancelled}
        )
    forget_ensured(schedule.unit)
    return schedule
