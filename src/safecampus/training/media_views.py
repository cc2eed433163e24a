"""Lesson files (video, PDF, poster) and article images, served to whoever may see them, with
HTTP range requests (a video player seeks by asking for byte ranges) and streamed from
storage in chunks, never read whole into memory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, quote_etag
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from . import manage_queries as q

CHUNK = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
PARTS = ("file", "poster")


class RangeFile:
    """Iterate over bytes [start, end] of an open file in chunks; closes the file when done."""

    def __init__(self, fh: IO[bytes], start: int, end: int) -> None:
        self.fh, self.start, self.remaining = fh, start, end - start + 1

    def __iter__(self) -> Iterator[bytes]:
        self.fh.seek(self.start)
        while self.remaining > 0:
            chunk = self.fh.read(min(CHUNK, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.fh.close()


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) of a single satisfiable range; None to ignore the header (absent, malformed
    or several ranges: the whole file is sent); False when the range cannot be satisfied."""
    match = RANGE_RE.match(header.strip().replace(" ", "")) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # not a valid range: ignored
    if start >= size:
        return False
    return start, min(end, size - 1)


def ranged_response(
    request: HttpRequest, file: Any, *, content_type: str, filename: str, etag: str, modified: float | None
) -> HttpResponse:
    """Serve a stored file whole (200) or in part (206 / 416)."""
    try:
        size = file.storage.size(file.name)
        fh = file.storage.open(file.name, "rb")
    except (OSError, FileNotFoundError):
        raise Http404 from None
    etag = quote_etag(etag)
    if request.headers.get("If-None-Match") == etag:
        fh.close()
        response: HttpResponse = HttpResponse(status=304)
        _common_headers(response, etag, modified)
        return response
    wanted = parse_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range and if_range != etag:
        wanted = None  # the client's copy is stale: send the whole new file
    if wanted is False:
        fh.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        _common_headers(response, etag, modified)
        return response
    start, end = wanted if wanted else (0, max(size - 1, 0))
    response = StreamingHttpResponse(
        RangeFile(fh, start, end) if size else iter(()), content_type=content_type
    )
    if wanted:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1 if size else 0)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    _common_headers(response, etag, modified)
    return response


def _common_headers(response: HttpResponse, etag: str, modified: float | None) -> None:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if modified is not None:
        response["Last-Modified"] = http_date(modified)


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
    return ranged_response(
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
    return ranged_response(
        request,
        image.image,
        content_type=IMAGE_TYPES.get(ext, "application/octet-stream"),
        filename=f"image-{image.pk}.{ext}",
        etag=f"image-{image.pk}-{image.image.name.rsplit('/', 1)[-1]}",
        modified=image.created_at.timestamp(),
    )
