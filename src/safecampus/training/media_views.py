"""Lesson files (video, PDF, poster) and article images, served to whoever may see them
(`core.files.serve`: by the web server when configured, else from Python with ranges)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from safecampus.core.files.serve import IMAGE_TYPES, serve_file

from . import manage_queries as q

PARTS = ("file", "poster")


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@login_required
@require_safe
@xframe_options_sameorigin  # the lesson page shows a PDF in a frame of the same site
def lesson_media(request: HttpRequest, lesson_id: int, part: str) -> HttpResponse:
    if part not in PARTS:
        raise Http404
    lesson = q.lesson_for_viewer(request.user, lesson_id)
    file = lesson.media if part == "file" else lesson.poster
    if not file:
        raise Http404
    ext = _extension(file.name)
    if part == "file":
        content_type = lesson.media_type or "application/octet-stream"
    else:
        content_type = IMAGE_TYPES.get(ext, "application/octet-stream")
    return serve_file(
        request,
        file,
        content_type=content_type,
        filename=f"lesson-{lesson.pk}-{part}.{ext}",
        etag=f"{lesson.pk}-{part}-{file.name.rsplit('/', 1)[-1]}",
        modified=lesson.updated_at.timestamp(),
    )


@login_required
@require_safe
def lesson_image(request: HttpRequest, image_id: int) -> HttpResponse:
    image = q.image_for_viewer(request.user, image_id)
    ext = _extension(image.image.name)
    return serve_file(
        request,
        image.image,
        content_type=IMAGE_TYPES.get(ext, "application/octet-stream"),
        filename=f"image-{image.pk}.{ext}",
        etag=f"image-{image.pk}-{image.image.name.rsplit('/', 1)[-1]}",
        modified=image.created_at.timestamp(),
    )
