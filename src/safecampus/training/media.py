"""Uploaded media, checked by content (never by name): videos, PDF documents, images, HTML.

Videos must be MP4 (ISO base media, `ftyp` box) or WebM (EBML header) and be readable by
ffmpeg (the static binary that `imageio-ffmpeg` ships) with a video stream; their length is
read from the container. PDFs must start with `%PDF-` and open in poppler's `pdfinfo`.
Images are re-encoded by Pillow (which drops EXIF and anything hidden in the file). Article
HTML is sanitised with nh3 to a small allow-list.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safecampus.core.errors import Invalid

ARTICLE_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "span",
    "a",
}
ARTICLE_ATTRIBUTES = {"img": {"src", "alt", "width", "height"}, "a": {"href", "title"}, "td": {"colspan"}}
DURATION_RE = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
# An <img> tag as nh3 writes it (every value double-quoted, quotes inside escaped).
IMG_TAG = re.compile(r'<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')


@dataclass
class Media:
    data: bytes
    content_type: str
    extension: str
    duration_s: int = 0
    pages: int = 0


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def sniff_video(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4", "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    return None


def _read(upload: IO[bytes] | bytes, limit_mb: int, what: str) -> bytes:
    data = upload if isinstance(upload, bytes) else upload.read(limit_mb * 1024 * 1024 + 1)
    if len(data) > limit_mb * 1024 * 1024:
        raise Invalid(
            _("The %(what)s is larger than %(mb)s MB.") % {"what": what, "mb": limit_mb}, field="media"
        )
    if not data:
        raise Invalid(_("The file is empty."), field="media")
    return data


def check_video(upload: IO[bytes] | bytes, *, limit_mb: int) -> Media:
    data = _read(upload, limit_mb, _("video"))
    kind = sniff_video(data[:16])
    if kind is None:
        raise Invalid(_("This file is not an MP4 or WebM video."), field="media")
    with tempfile.NamedTemporaryFile(suffix="." + kind[1]) as tmp:
        tmp.write(data)
        tmp.flush()
        proc = subprocess.run(  # noqa: S603 (fixed programs, no shell)
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", tmp.name],
            capture_output=True,
            timeout=60,
            check=False,
        )
    info = proc.stderr
    match = DURATION_RE.search(info)
    if b"Video:" not in info or match is None:
        raise Invalid(_("This video cannot be played: the file is damaged or has no picture."), field="media")
    hours, minutes, seconds = int(match[1]), int(match[2]), float(match[3])
    duration = round(hours * 3600 + minutes * 60 + seconds)
    if duration < 1:
        raise Invalid(_("This video cannot be played: the file is damaged or has no picture."), field="media")
    return Media(data, kind[0], kind[1], duration_s=duration)


def check_document(upload: IO[bytes] | bytes, *, limit_mb: int) -> Media:
    data = _read(upload, limit_mb, _("document"))
    if not data.startswith(b"%PDF-"):
        raise Invalid(_("This file is not a PDF document."), field="media")
    pdfinfo = shutil.which("pdfinfo")
    pages = 0
    if pdfinfo:
        proc = subprocess.run(  # noqa: S603 (fixed programs, no shell)
            [pdfinfo, "-"], input=data, capture_output=True, timeout=60, check=False
        )
        match = re.search(rb"Pages:\s+(\d+)", proc.stdout)
        if proc.returncode != 0 or match is None:
            raise Invalid(_("This PDF document cannot be opened: the file is damaged."), field="media")
        pages = int(match[1])
    return Media(data, "application/pdf", "pdf", pages=pages)


def reencode_image(upload: IO[bytes] | bytes, *, max_side: int = 1920, limit_mb: int = 20) -> Media:
    """Open, verify and re-encode an image (PNG keeps transparency, anything else becomes JPEG)."""
    data = _read(upload, limit_mb, _("image"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(_("This file is not an image that can be opened."), field="image") from None
    image = ImageOps.exif_transpose(image)  # phones store "rotate me" in EXIF, which we drop
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P"):
        image.convert("RGBA").save(out, "PNG", optimize=True)
        return Media(out.getvalue(), "image/png", "png")
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return Media(out.getvalue(), "image/jpeg", "jpg")


def same_origin_image(src: str) -> bool:
    """An image address served by this site: a relative path, or a path under MEDIA_URL or the
    lesson images' route. Anything with a scheme or a host (http:, https:, data:, //host — a
    remote tracking pixel in a lesson shown to minors), a backslash, a control character or a
    ".." segment is refused."""
    value = (src or "").strip()
    if not value or any(ord(ch) < 33 or ch == "\\" for ch in value):
        return False
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return False
    path = unquote(parts.path)
    if ".." in path.split("/"):
        return False
    if not path.startswith("/"):
        return bool(path)
    return path.startswith((settings.MEDIA_URL, reverse("training:image", args=[0])[:-1]))


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if same_origin_image(value) else None
    return value


def sanitise_html(html: str) -> str:
    """Lesson HTML as it may be stored and shown: a small allow-list of tags, no scripts, event
    handlers or javascript: addresses (links: http, https or relative), and only same-origin
    images (an image whose address is dropped is dropped whole). Used when a lesson is saved and
    again on every page that shows one (the `lesson_html` template filter)."""
    clean = nh3.clean(
        html or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
    )
    return IMG_TAG.sub(lambda m: m[0] if ' src="' in m[1] else "", clean).strip()


def poster_from_video(path: Path, at_s: float = 1.0) -> bytes | None:
    """A JPEG frame of the video for its poster (None when ffmpeg cannot take one)."""
    proc = subprocess.run(  # noqa: S603 (fixed programs, no shell)
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-ss",
            str(at_s),
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "image2",
            "-vcodec",
            "mjpeg",
            "pipe:1",
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return proc.stdout or None
