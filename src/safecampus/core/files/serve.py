"""Stored files served to whoever may see them — the view checks access first, then calls
`serve_file`. With a web server in front (settings.MEDIA_ACCEL: "nginx" for `X-Accel-Redirect`,
"sendfile" for Apache's/lighttpd's `X-Sendfile`) the server sends the bytes; otherwise (the
embedded mode) they are streamed from storage in chunks, with HTTP range requests (a video
player seeks by asking for byte ranges), never read whole into memory. See docs/deployment.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, quote_etag

CHUNK = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


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


def _accelerated(file: Any, *, content_type: str, disposition: str, etag: str, modified: float | None):
    """An empty answer telling the web server which file to send, or None (no web server
    configured, or a storage that is not on this disk)."""
    mode = getattr(settings, "MEDIA_ACCEL", "")
    if mode not in ("nginx", "sendfile") or not isinstance(file.storage, FileSystemStorage):
        return None
    response = HttpResponse(content_type=content_type)
    if mode == "nginx":
        prefix = getattr(settings, "MEDIA_ACCEL_PREFIX", "/protected-media/")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name.lstrip("/"))
    else:
        response["X-Sendfile"] = file.storage.path(file.name)
    response["Content-Disposition"] = disposition
    _common_headers(response, quote_etag(etag), modified)
    return response


def serve_file(
    request: HttpRequest,
    file: Any,
    *,
    content_type: str,
    filename: str,
    etag: str,
    modified: float | None = None,
    inline: bool = True,
) -> HttpResponse:
    """Serve a stored file (after the caller's access check): by the web server when one is
    configured, else from Python with ranges (200 / 206 / 304 / 416)."""
    if not file:
        raise Http404
    disposition = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    fast = _accelerated(
        file, content_type=content_type, disposition=disposition, etag=etag, modified=modified
    )
    if fast is not None:
        if not file.storage.exists(file.name):
            raise Http404
        return fast
    response = ranged_response(request, file, content_type=content_type, filename=filename, etag=etag,
                               modified=modified)  # fmt: skip
    if response.status_code in (200, 206):
        response["Content-Disposition"] = disposition
    return response
