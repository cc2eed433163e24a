"""Images inside articles: uploaded (re-encoded, so nothing hidden in the file survives), served
at `training:image`, and claimed by the lesson whose text shows them."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.files import checks as media
from safecampus.core.files.store import guarded, save_media
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .models import Course, Lesson, LessonImage, LessonKind

MAX_SIDE = 1600
MAX_IMAGE_MB = 20


def image_url(image: LessonImage) -> str:
    return reverse("training:image", args=[image.pk])


def _url_re() -> re.Pattern[str]:
    prefix = re.escape(reverse("training:image", args=[0])[:-1])
    return re.compile(prefix + r"(\d+)")


def image_ids_in(html: str) -> set[int]:
    """Ids of uploaded images that an article's text shows."""
    return {int(m) for m in _url_re().findall(html or "")}


@guarded
def add_lesson_image(course: Course, *, actor: Any, upload: Any, lesson: Lesson | None = None) -> LessonImage:
    """Store an image for an article of `course` (before or after the lesson exists)."""
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    if lesson is not None and (lesson.course_id != course.pk or lesson.kind != LessonKind.ARTICLE):
        raise Invalid(_("Images belong into the text of an article."), field="image")
    item = media.reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_IMAGE_MB)
    image = LessonImage(lesson=lesson)
    image.set_unit(course.unit)
    save_media(image.image, item)
    image.save()
    audit.record(
        actor,
        "training.image_added",
        course,
        unit=course.unit,
        after={"image": image.pk, "lesson": lesson.pk if lesson else None, "bytes": item.size},
    )
    return image


def claim_images(lesson: Lesson) -> int:
    """Link the not yet claimed images of the lesson's unit that its text shows (inside the
    lesson service's transaction)."""
    ids = image_ids_in(lesson.body_html)
    if not ids:
        return 0
    return LessonImage.objects.filter(pk__in=ids, lesson__isnull=True, unit=lesson.unit).update(lesson=lesson)
