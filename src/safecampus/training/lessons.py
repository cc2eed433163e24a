"""Lesson services: create and change lessons (video, article, document); versions keep progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.files import checks as media
from safecampus.core.files.html import sanitise_html
from safecampus.core.files.store import delete_on_commit, guarded, save_media
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from . import images
from .content_fields import order_of, text
from .models import (
    ContentStatus,
    Course,
    Lesson,
    LessonKind,
    LessonRevision,
)


# -- lessons ----------------------------------------------------------------------------------
def _store(lesson: Lesson, field: str, item: media.Media) -> None:
    """Save a checked file to storage; it is deleted again if the change fails (`filestore`)."""
    save_media(getattr(lesson, field), item)


def _poster_of(item: media.Media) -> media.Media | None:
    """A poster frame taken from the video (None when ffmpeg cannot take one)."""
    frame = media.poster_from_video(Path(item.file.name), at_s=min(1.0, item.duration_s / 2))
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
        body = sanitise_html(fields["body_html"])
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
        lesson.media_type, lesson.media_size = item.content_type, item.size
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
