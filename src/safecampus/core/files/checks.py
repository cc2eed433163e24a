"""Uploaded media, checked by content (never by name): videos, PDF documents and images.

Uploads are spooled to a temporary file in chunks (`spool`), never read whole into memory, and
refused as soon as they pass their limit (a 500 MB lesson video included). Videos must be MP4
(ISO base media, `ftyp` box) or WebM (EBML header) and be readable by ffmpeg (the static binary
that `imageio-ffmpeg` ships) with a video stream; ffmpeg reads the spooled file, and the length
comes from the container. PDFs must start with `%PDF-` and open in poppler's `pdfinfo` (read
from the spooled file). Images are re-encoded by Pillow (which drops EXIF and anything hidden in
the file).
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

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safecampus.core.errors import Invalid

DURATION_RE = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
MB = 1024 * 1024
CHUNK = MB


@dataclass
class Media:
    """A checked file: its content in `file` (a spooled temporary file, or bytes in memory for a
    re-encoded image), its size, type and what the check read from it."""

    file: IO[bytes]
    size: int
    content_type: str
    extension: str
    duration_s: int = 0
    pages: int = 0

    def open(self) -> IO[bytes]:
        """The content from its first byte."""
        self.file.seek(0)
        return self.file

    @property
    def data(self) -> bytes:
        """The whole content (small files only: images)."""
        return self.open().read()


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def sniff_video(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4", "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm", "webm"
    return None


def spool(upload: IO[bytes] | bytes, *, limit_mb: int, what: str) -> IO[bytes]:
    """The upload copied chunk by chunk into a named temporary file (deleted when closed),
    refused as soon as it passes `limit_mb` or when it is empty; positioned at its start."""
    limit = limit_mb * MB
    too_big = Invalid(
        _("The %(what)s is larger than %(mb)s MB.") % {"what": what, "mb": limit_mb}, field="media"
    )
    out = tempfile.NamedTemporaryFile(prefix="upload-")  # noqa: SIM115 (handed to the caller)
    size = 0
    try:
        if isinstance(upload, bytes):
            if len(upload) > limit:
                raise too_big
            out.write(upload)
            size = len(upload)
        else:
            while chunk := upload.read(min(CHUNK, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise too_big
                out.write(chunk)
        if size == 0:
            raise Invalid(_("The file is empty."), field="media")
    except BaseException:
        out.close()
        raise
    out.flush()
    out.seek(0)
    return out


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size


def check_video(upload: IO[bytes] | bytes, *, limit_mb: int) -> Media:
    fh = spool(upload, limit_mb=limit_mb, what=_("video"))
    try:
        kind = sniff_video(fh.read(16))
        if kind is None:
            raise Invalid(_("This file is not an MP4 or WebM video."), field="media")
        proc = subprocess.run(  # noqa: S603 (fixed programs, no shell)
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", fh.name],
            capture_output=True,
            timeout=60,
            check=False,
        )
        info = proc.stderr
        match = DURATION_RE.search(info)
        unplayable = _("This video cannot be played: the file is damaged or has no picture.")
        if b"Video:" not in info or match is None:
            raise Invalid(unplayable, field="media")
        hours, minutes, seconds = int(match[1]), int(match[2]), float(match[3])
        duration = round(hours * 3600 + minutes * 60 + seconds)
        if duration < 1:
            raise Invalid(unplayable, field="media")
    except BaseException:
        fh.close()
        raise
    return Media(fh, _size(fh), kind[0], kind[1], duration_s=duration)


def check_document(upload: IO[bytes] | bytes, *, limit_mb: int) -> Media:
    fh = spool(upload, limit_mb=limit_mb, what=_("document"))
    try:
        if not fh.read(5).startswith(b"%PDF-"):
            raise Invalid(_("This file is not a PDF document."), field="media")
        pdfinfo = shutil.which("pdfinfo")
        pages = 0
        if pdfinfo:
            proc = subprocess.run(  # noqa: S603 (fixed programs, no shell)
                [pdfinfo, fh.name], capture_output=True, timeout=60, check=False
            )
            match = re.search(rb"Pages:\s+(\d+)", proc.stdout)
            if proc.returncode != 0 or match is None:
                raise Invalid(_("This PDF document cannot be opened: the file is damaged."), field="media")
            pages = int(match[1])
    except BaseException:
        fh.close()
        raise
    return Media(fh, _size(fh), "application/pdf", "pdf", pages=pages)


def reencode_image(upload: IO[bytes] | bytes, *, max_side: int = 1920, limit_mb: int = 20) -> Media:
    """Open, verify and re-encode an image (PNG keeps transparency, anything else becomes JPEG)."""
    with spool(upload, limit_mb=limit_mb, what=_("image")) as fh:
        data = fh.read()
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
        return Media(out, out.tell(), "image/png", "png")
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return Media(out, out.tell(), "image/jpeg", "jpg")


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
