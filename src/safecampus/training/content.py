"""Content services: campaigns, stages, themes, courses, lessons, quizzes and questions.

Every change checks `training.manage` at the owning unit, validates, writes and records an
audit event. A campaign belongs to a bureau or school and is offered to its subtree; a unit
below may add its own courses to a campaign it is offered (the course is then offered to that
unit's subtree only). Editing a published lesson's content makes a new version and keeps every
learner's progress.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import SchoolType, Unit
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .content_fields import _dates, order_of, text
from .models import (
    CONTENT_TRANSITIONS,
    Audience,
    Campaign,
    Course,
    Stage,
    Theme,
)


# -- campaigns, themes, stages ---------------------------------------------------------------
@transaction.atomic
def create_campaign(
    unit: Unit,
    *,
    actor: Any,
    title: str,
    school_year: int,
    starts_on: Any,
    ends_on: Any,
    title_en: str = "",
    description: str = "",
    pass_mark: int | None = None,
) -> Campaign:
    require(actor, Perm.MANAGE_TRAINING, unit)
    start, end = _dates(starts_on, ends_on)
    mark = policy_for(unit).training["pass_mark"] if pass_mark in (None, "") else pass_mark
    campaign = Campaign(
        title=text(title, 120, "title"),
        title_en=text(title_en, 160, "title_en", required=False),
        description=str(description or "")[:4000],
        school_year=_school_year(school_year),
        starts_on=start,
        ends_on=end,
        pass_mark=_pass_mark(mark),
        created_by=actor,
    )
    campaign.set_unit(unit)
    campaign.save()
    audit.record(actor, "training.campaign_created", campaign, unit=unit, after=campaign.audit_snapshot())
    return campaign


def _school_year(value: Any) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise Invalid(_("Enter the school year as a year such as 2026."), field="school_year")
    return year


def _pass_mark(value: Any) -> int:
    try:
        mark = int(value)
    except (TypeError, ValueError):
        mark = -1
    if not 0 <= mark <= 100:
        raise Invalid(_("The pass mark must be between 0 and 100."), field="pass_mark")
    return mark


@transaction.atomic
def update_campaign(campaign: Campaign, *, actor: Any, **fields: Any) -> Campaign:
    require(actor, Perm.MANAGE_TRAINING, campaign.unit)
    before = campaign.audit_snapshot()
    if "title" in fields:
        campaign.title = text(fields["title"], 120, "title")
    if "title_en" in fields:
        campaign.title_en = text(fields["title_en"], 160, "title_en", required=False)
    if "description" in fields:
        campaign.description = str(fields["description"] or "")[:4000]
    if "school_year" in fields:
        campaign.school_year = _school_year(fields["school_year"])
    if "starts_on" in fields or "ends_on" in fields:
        campaign.starts_on, campaign.ends_on = _dates(
            fields.get("starts_on", campaign.starts_on), fields.get("ends_on", campaign.ends_on)
        )
    if "pass_mark" in fields:
        campaign.pass_mark = _pass_mark(fields["pass_mark"])
    campaign.save()
    audit.record(
        actor,
        "training.campaign_updated",
        campaign,
        unit=campaign.unit,
        before=before,
        after=campaign.audit_snapshot(),
    )
    return campaign


def _transition(obj: Campaign | Course, action: str, *, actor: Any, verb: str) -> Any:
    if action not in CONTENT_TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    sources, target = CONTENT_TRANSITIONS[action]
    require(actor, Perm.MANAGE_TRAINING, obj.unit)
    moved = type(obj).objects.filter(pk=obj.pk, status__in=sources).update(status=target)
    if not moved:
        raise Conflict(
            _("This cannot be done while the item is “%(status)s”.") % {"status": obj.get_status_display()}
        )
    before = obj.status
    obj.refresh_from_db()
    audit.record(actor, verb, obj, unit=obj.unit, before={"status": before}, after={"status": obj.status})
    return obj


@transaction.atomic
def change_campaign_status(campaign: Campaign, action: str, *, actor: Any) -> Campaign:
    return _transition(campaign, action, actor=actor, verb=f"training.campaign_{action}")


@transaction.atomic
def save_theme(
    campaign: Campaign, *, actor: Any, key: str, name: str, name_en: str = "", order: int = 0
) -> Theme:
    require(actor, Perm.MANAGE_TRAINING, campaign.unit)
    key = text(key, 40, "key").lower()
    theme, created = Theme.objects.update_or_create(
        campaign=campaign,
        key=key,
        defaults={
            "name": text(name, 60, "name"),
            "name_en": text(name_en, 80, "name_en", required=False),
            "order": order_of(order),
        },
    )
    audit.record(
        actor,
        "training.theme_saved",
        campaign,
        unit=campaign.unit,
        after={"theme": key, "name": theme.name, "created": created},
    )
    return theme


@transaction.atomic
def save_stage(
    campaign: Campaign,
    *,
    actor: Any,
    number: int,
    title: str,
    starts_on: Any,
    ends_on: Any,
    theme_keys: list[str] | None = None,
    title_en: str = "",
) -> Stage:
    require(actor, Perm.MANAGE_TRAINING, campaign.unit)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Invalid(_("The stage number must be a whole number."), field="number") from None
    if not 1 <= number <= 99:
        raise Invalid(_("The stage number must be a whole number."), field="number")
    start, end = _dates(starts_on, ends_on)
    stage, _created = Stage.objects.update_or_create(
        campaign=campaign,
        number=number,
        defaults={
            "title": text(title, 120, "title"),
            "title_en": text(title_en, 160, "title_en", required=False),
            "starts_on": start,
            "ends_on": end,
        },
    )
    if theme_keys is not None:
        themes = list(Theme.objects.filter(campaign=campaign, key__in=theme_keys))
        if len(themes) != len(set(theme_keys)):
            raise Invalid(_("A theme of this stage does not exist in the campaign."), field="themes")
        stage.themes.set(themes)
    audit.record(
        actor,
        "training.stage_saved",
        campaign,
        unit=campaign.unit,
        after={
            "stage": number,
            "title": stage.title,
            "title_en": stage.title_en,
            "themes": sorted(theme_keys or []),
        },
    )
    return stage


# -- courses ----------------------------------------------------------------------------------
def _course_fields(campaign: Campaign, fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "title" in fields:
        out["title"] = text(fields["title"], 120, "title")
    if "title_en" in fields:
        out["title_en"] = text(fields["title_en"], 160, "title_en", required=False)
    if "summary" in fields:
        out["summary"] = str(fields["summary"] or "")[:4000]
    if "key" in fields:
        out["key"] = text(fields["key"], 60, "key", required=False).lower()
    if "audiences" in fields:
        audiences = list(dict.fromkeys(fields["audiences"] or []))
        if not audiences or any(a not in Audience.values for a in audiences):
            raise Invalid(_("Choose at least one audience."), field="audiences")
        out["audiences"] = audiences
    if "school_types" in fields:
        types = list(dict.fromkeys(fields["school_types"] or []))
        if any(t not in SchoolType.values for t in types):
            raise Invalid(_("Unknown school type."), field="school_types")
        out["school_types"] = types
    for name in ("grade_min", "grade_max"):
        if name in fields:
            value = fields[name]
            if value in (None, ""):
                out[name] = None
                continue
            try:
                out[name] = int(value)
            except (TypeError, ValueError):
                raise Invalid(_("Grades are numbers from -3 (kindergarten) to 12."), field=name) from None
            if not -3 <= out[name] <= 12:
                raise Invalid(_("Grades are numbers from -3 (kindergarten) to 12."), field=name)
    lo, hi = out.get("grade_min"), out.get("grade_max")
    if lo is not None and hi is not None and lo > hi:
        raise Invalid(_("The first grade is above the last one."), field="grade_max")
    if fields.get("stage") not in (None, ""):
        try:
            number = int(fields["stage"])
        except (TypeError, ValueError):
            number = None
        stage = Stage.objects.filter(campaign=campaign, number=number).first() if number else None
        if stage is None:
            raise Invalid(_("This stage does not exist in the campaign."), field="stage")
        out["stage"] = stage
    elif "stage" in fields:
        out["stage"] = None
    if fields.get("theme") not in (None, ""):
        theme = Theme.objects.filter(campaign=campaign, key=fields["theme"]).first()
        if theme is None:
            raise Invalid(_("This theme does not exist in the campaign."), field="theme")
        out["theme"] = theme
    elif "theme" in fields:
        out["theme"] = None
    if "order" in fields:
        out["order"] = order_of(fields["order"])
    return out


@transaction.atomic
def create_course(campaign: Campaign, unit: Unit, *, actor: Any, **fields: Any) -> Course:
    """A course of `campaign` owned by `unit` (the campaign's unit or one below it)."""
    require(actor, Perm.MANAGE_TRAINING, unit)
    if not unit.path.startswith(campaign.unit_path):
        raise Invalid(
            _("A course can only be added by the campaign's unit or a unit below it."), field="unit"
        )
    fields.setdefault("audiences", [])
    values = _course_fields(campaign, fields)
    if "title" not in values:
        raise Invalid(_("This field is required."), field="title")
    if values.get("key") and Course.objects.filter(campaign=campaign, key=values["key"]).exists():
        raise Conflict(_("The campaign already has a course with this key."))
    course = Course(campaign=campaign, created_by=actor, **values)
    course.set_unit(unit)
    course.save()
    audit.record(actor, "training.course_created", course, unit=unit, after=course.audit_snapshot())
    return course


@transaction.atomic
def update_course(course: Course, *, actor: Any, **fields: Any) -> Course:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    before = course.audit_snapshot()
    for name, value in _course_fields(course.campaign, fields).items():
        setattr(course, name, value)
    course.save()
    audit.record(
        actor,
        "training.course_updated",
        course,
        unit=course.unit,
        before=before,
        after=course.audit_snapshot(),
    )
    return course


@transaction.atomic
def change_course_status(course: Course, action: str, *, actor: Any) -> Course:
    if action == "publish" and not course.lessons.exists():
        raise Conflict(_("Add at least one lesson before publishing the course."))
    return _transition(course, action, actor=actor, verb=f"training.course_{action}")


# Lessons and quizzes live in their own modules; they are services of this one too.
from .lessons import create_lesson, lesson_duration, update_lesson  # noqa: E402
from .question_bank import add_question, save_quiz, update_question  # noqa: E402

__all__ = [
    "add_question",
    "change_campaign_status",
    "change_course_status",
    "create_campaign",
    "create_course",
    "create_lesson",
    "lesson_duration",
    "order_of",
    "save_quiz",
    "save_stage",
    "save_theme",
    "text",
    "update_campaign",
    "update_course",
    "update_lesson",
    "update_question",
]
