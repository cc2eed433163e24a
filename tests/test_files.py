"""Files for every module (`core.files`): uploads spooled to disk with the limit enforced while
reading, videos and PDFs checked from the spooled file, and media handed to the web server after
the access check when one is configured."""

from __future__ import annotations

import io

import pytest

from safecampus.core.errors import Invalid
from safecampus.core.files.checks import check_document, check_video, reencode_image, spool

from .training.samples import tiny_video

MB = 1024 * 1024


class CountingUpload(io.RawIOBase):
    """An endless upload that counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = MB if n is None or n < 0 else n
        self.read_bytes += n
        return b"\0" * n


def test_an_upload_over_the_limit_is_refused_while_reading() -> None:
    upload = CountingUpload()
    with pytest.raises(Invalid) as err:
        spool(upload, limit_mb=3, what="video")
    assert "larger than 3 MB" in str(err.value.message)
    assert upload.read_bytes == 3 * MB + 1  # stopped one byte past the limit, never the rest


def test_spooled_to_a_named_file_on_disk() -> None:
    fh = spool(io.BytesIO(b"x" * (2 * MB + 5)), limit_mb=3, what="file")
    try:
        assert fh.name and fh.read() == b"x" * (2 * MB + 5)
    finally:
        fh.close()
    with pytest.raises(Invalid, match="empty"):
        spool(io.BytesIO(b""), limit_mb=3, what="file")


def test_video_checked_from_the_spooled_file() -> None:
    media = check_video(io.BytesIO(tiny_video(3)), limit_mb=5)
    assert media.content_type == "video/mp4" and media.duration_s == 3
    assert media.size == len(tiny_video(3)) and media.open().read(8)[4:8] == b"ftyp"
    with pytest.raises(Invalid, match="not an MP4 or WebM"):
        check_video(io.BytesIO(b"hello world, not a video"), limit_mb=5)


def test_damaged_pdf_and_images() -> None:
    with pytest.raises(Invalid):
        check_document(io.BytesIO(b"%PDF-1.4 broken"), limit_mb=5)
    with pytest.raises(Invalid, match="not an image"):
        reencode_image(io.BytesIO(b"GIF89a nothing"), limit_mb=5)
