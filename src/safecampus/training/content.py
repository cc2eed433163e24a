"""Content services: campaigns, stages, themes, courses, lessons, quizzes and questions.

Every change checks `training.manage` at the owning unit, validates, writes and records an
audit event. A campaign belongs to a bureau or school and is offered to its subtree; a unit
below may add its own courses to a campaign it is offered (the course is then offered to that
unit's subtree only). Editing a published lesson's content makes a new version and keeps every
learner's progress.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import SchoolType, Unit
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from . import images, media
from .filestore import delete_on_commit, guarded, remember
from .models import (
    CONTENT_TRANSITIONS,
    Audience,
    Campaign,
    ContentStatus,
    Course,
    Lesson,
    LessonKind,
    LessonRevision,
    Question,
    QuestionKind,
    Quiz,
    Stage,
    Theme,
)


def text(value: Any, limit: int, field: str, *, required: bool = True) -> str:
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise Invalid(_("This field is required."), field=field)
    if len(cleaned) > limit:
        raise Invalid(_("Ensure this value has at most %(n)s characters.") % {"n": limit}, field=field)
    return cleaned


def _dates(starts_on: Any, ends_on: Any) -> tuple[dt.date, dt.date]:
    try:
        start = starts_on if isinstance(starts_on, dt.date) else dt.date.fromisoformat(str(starts_on))
        end = ends_on if isinstance(ends_on, dt.date) else dt.date.fromisoformat(str(ends_on))
    except ValueError:
        raise Invalid(_("Enter dates as YYYY-MM-DD."), field="starts_on") from None
    if end < start:
        raise Invalid(_("The end date is before the start date."), field="ends_on")
    return start, end


def order_of(value: Any) -> int:
    """A position in a list (0 when empty)."""
    try:
        order = int(value or 0)
    except (TypeError, ValueError):
        order = -1
    if not 0 <= order <= 32767:
        raise Invalid(_("The position must be a whole number from 0 to 32767."), field="order")
    return order


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
        defaults={"title": text(title, 120, "title"), "starts_on": start, "ends_on": end},
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
        after={"stage": number, "title": stage.title, "themes": sorted(theme_keys or [])},
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


# -- lessons ----------------------------------------------------------------------------------
def _store(lesson: Lesson, field: str, item: media.Media) -> None:
    """Save a checked file to storage; it is deleted again if the change fails (`filestore`)."""
    file = getattr(lesson, field)
    file.save(f"{uuid.uuid4().hex}.{item.extension}", ContentFile(item.data), save=False)
    remember(file.storage, file.name)


def _poster_of(item: media.Media) -> media.Media | None:
    """A poster frame taken from the video (None when ffmpeg cannot take one)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"video.{item.extension}"
        path.write_bytes(item.data)
        frame = media.poster_from_video(path, at_s=min(1.0, item.duration_s / 2))
    if not frame:
        return None
    try:
        return media.reencode_image(frame, max_side=1280)
    except Invalid:
        return None


def lesson_duration(value: Any) -> int:
    """The reading time of an article or a document, in seconds (10 s to 4 h)."""
    try:
        duration = int(value)
    except (TypeError, ValueError):
        duration = 0
    if not 10 <= duration <= 4 * 3600:
        raise Invalid(_("The length must be between 10 seconds and 4 hours."), field="duration_s")
    return duration


def _apply_lesson_content(lesson: Lesson, fields: dict[str, Any]) -> bool:
    """Set content fields from `fields`; True when what learners see has changed."""
    limits = policy_for(lesson.unit).training
    changed = False
    if "title" in fields:
        title = text(fields["title"], 120, "title")
        changed |= title != lesson.title
        lesson.title = title
    if "title_en" in fields:
        lesson.title_en = text(fields["title_en"], 160, "title_en", required=False)
    if fields.get("body_html") is not None and lesson.kind == LessonKind.ARTICLE:
        body = media.sanitise_html(fields["body_html"])
        if not body:
            raise Invalid(_("The article has no text."), field="body_html")
        changed |= body != lesson.body_html
        lesson.body_html = body
    upload = fields.get("media")
    if upload is not None:
        if lesson.kind == LessonKind.VIDEO:
            item = media.check_video(upload, limit_mb=limits["max_video_mb"])
            lesson.duration_s = item.duration_s
        elif lesson.kind == LessonKind.DOCUMENT:
            item = media.check_document(upload, limit_mb=limits["max_document_mb"])
            lesson.page_count = item.pages
        else:
            raise Invalid(_("An article has no file; put images into its text."), field="media")
        _store(lesson, "media", item)
        lesson.media_type, lesson.media_size = item.content_type, len(item.data)
        changed = True
        if lesson.kind == LessonKind.VIDEO and fields.get("poster") is None and not lesson.poster:
            poster = _poster_of(item)
            if poster is not None:
                _store(lesson, "poster", poster)
    if fields.get("poster") is not None:
        if lesson.kind != LessonKind.VIDEO:
            raise Invalid(_("Only a video has a poster image."), field="poster")
        _store(lesson, "poster", media.reencode_image(fields["poster"], max_side=1280))
    if fields.get("duration_s") not in (None, "") and lesson.kind != LessonKind.VIDEO:
        duration = lesson_duration(fields["duration_s"])
        changed |= duration != lesson.duration_s
        lesson.duration_s = duration
    return changed


@guarded
def create_lesson(course: Course, *, actor: Any, kind: str, **fields: Any) -> Lesson:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    if kind not in LessonKind.values:
        raise Invalid(_("Choose video, article or document."), field="kind")
    lesson = Lesson(course=course, kind=kind, duration_s=0, order=order_of(fields.pop("order", 0)))
    lesson.set_unit(course.unit)
    fields.setdefault("title", "")
    _apply_lesson_content(lesson, fields)
    if kind == LessonKind.VIDEO and not lesson.media:
        raise Invalid(_("Upload the video file."), field="media")
    if kind == LessonKind.DOCUMENT and not lesson.media:
        raise Invalid(_("Upload the PDF document."), field="media")
    if kind == LessonKind.ARTICLE and not lesson.body_html:
        raise Invalid(_("The article has no text."), field="body_html")
    if not lesson.duration_s:
        raise Invalid(_("The length must be between 10 seconds and 4 hours."), field="duration_s")
    lesson.save()
    images.claim_images(lesson)
    audit.record(actor, "training.lesson_created", lesson, unit=course.unit, after=lesson.audit_snapshot())
    return lesson


@guarded
def update_lesson(lesson: Lesson, *, actor: Any, **fields: Any) -> Lesson:
    """Change a lesson. A published course's lesson whose content changes gets a new version;
    the old one is kept as a revision and learners keep their progress (it is kept by lesson)."""
    require(actor, Perm.MANAGE_TRAINING, lesson.unit)
    lesson = Lesson.objects.select_for_update(of=("self",)).select_related("course", "unit").get(pk=lesson.pk)
    before = lesson.audit_snapshot()
    old_media, old_poster = lesson.media.name or "", lesson.poster.name or ""
    revision = LessonRevision(
        lesson=lesson,
        version=lesson.version,
        title=lesson.title,
        duration_s=lesson.duration_s,
        body_html=lesson.body_html,
        media=lesson.media.name if lesson.media else "",
        created_by=actor,
    )
    if "order" in fields:
        lesson.order = order_of(fields.pop("order"))
    changed = _apply_lesson_content(lesson, fields)
    if changed and lesson.course.status != ContentStatus.DRAFT:
        revision.save()
        lesson.version += 1
    lesson.save()
    images.claim_images(lesson)
    # Replaced files that no version refers to any more go once the change has committed.
    if (
        old_media
        and old_media != lesson.media.name
        and not LessonRevision.objects.filter(lesson=lesson, media=old_media).exists()
    ):
        delete_on_commit(old_media, lesson.media.storage)
    if old_poster and old_poster != lesson.poster.name:
        delete_on_commit(old_poster, lesson.poster.storage)
    audit.record(
        actor,
        "training.lesson_updated",
        lesson,
        unit=lesson.unit,
        before=before,
        after=lesson.audit_snapshot(),
    )
    return lesson


# -- quizzes ----------------------------------------------------------------------------------
def _question_fields(kind: str, text_: str, choices: list[str], answer: list[int]) -> dict[str, Any]:
    if kind not in QuestionKind.values:
        raise Invalid(_("Choose single choice, multiple choice or true/false."), field="kind")
    if kind == QuestionKind.TRUE_FALSE:
        choices = choices if choices else [_("True"), _("False")]
        if len(choices) != 2:
            raise Invalid(_("A true/false question has exactly two choices."), field="choices")
    cleaned = [text(c, 300, "choices") for c in choices or []]
    if not 2 <= len(cleaned) <= 8:
        raise Invalid(_("Give between 2 and 8 choices."), field="choices")
    try:
        answers = sorted({int(a) for a in answer})
    except (TypeError, ValueError):
        raise Invalid(_("Mark the right answer."), field="answer") from None
    if not answers or any(not 0 <= a < len(cleaned) for a in answers):
        raise Invalid(_("Mark the right answer."), field="answer")
    if kind != QuestionKind.MULTIPLE and len(answers) != 1:
        raise Invalid(_("This kind of question has exactly one right answer."), field="answer")
    if kind == QuestionKind.MULTIPLE and len(answers) < 2:
        raise Invalid(_("A multiple-choice question has at least two right answers."), field="answer")
    return {"kind": kind, "text": text(text_, 1000, "text"), "choices": cleaned, "answer": answers}


@transaction.atomic
def save_quiz(course: Course, *, actor: Any, question_count: int, attempts_limit: int | None = None) -> Quiz:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    try:
        count = int(question_count)
        limit = None if attempts_limit in (None, "") else int(attempts_limit)
    except (TypeError, ValueError):
        raise Invalid(_("Enter whole numbers."), field="question_count") from None
    if not 1 <= count <= 100:
        raise Invalid(_("A quiz draws between 1 and 100 questions."), field="question_count")
    if limit is not None and not 1 <= limit <= 100:
        raise Invalid(
            _("Allow between 1 and 100 attempts, or leave it empty for no limit."), field="attempts_limit"
        )
    quiz, _created = Quiz.objects.update_or_create(
        course=course, defaults={"question_count": count, "attempts_limit": limit}
    )
    audit.record(
        actor,
        "training.quiz_saved",
        course,
        unit=course.unit,
        after={"question_count": count, "attempts_limit": limit},
    )
    return quiz


@transaction.atomic
def add_question(
    course: Course,
    *,
    actor: Any,
    kind: str,
    text: str,
    choices: list[str],
    answer: list[int],
    explanation: str = "",
    order: int = 0,
) -> Question:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    values = _question_fields(kind, text, choices, answer)
    question = Question.objects.create(
        course=course, explanation=str(explanation or "")[:2000], order=order_of(order), **values
    )
    audit.record(
        actor,
        "training.question_added",
        course,
        unit=course.unit,
        after={"question": question.pk, "text": question.text[:80]},
    )
    return question


@transaction.atomic
def update_question(question: Question, *, actor: Any, **fields: Any) -> Question:
    require(actor, Perm.MANAGE_TRAINING, question.course.unit)
    values = _question_fields(
        fields.get("kind", question.kind),
        fields.get("text", question.text),
        fields.get("choices", question.choices),
        fields.get("answer", question.answer),
    )
    for name, value in values.items():
        setattr(question, name, value)
    if "explanation" in fields:
        question.explanation = str(fields["explanation"] or "")[:2000]
    if "is_active" in fields:
        question.is_active = bool(fields["is_active"])
    if "order" in fields:
        question.order = order_of(fields["order"])
    question.save()
    audit.record(
        actor,
        "training.question_updated",
        question.course,
        unit=question.course.unit,
        after={"question": question.pk, "active": question.is_active},
    )
    return question
