"""Real media made in the test: tiny videos (ffmpeg's test pattern), PDFs (WeasyPrint), images."""

from __future__ import annotations

import functools
import io
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from safecampus.core.files.checks import ffmpeg_exe


@functools.cache
def tiny_video(seconds: int = 12, fmt: str = "mp4") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"v.{fmt}"
        codec = (
            ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
            if fmt == "mp4"
            else ["-c:v", "libvpx-vp9", "-b:v", "50k"]
        )
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
             f"testsrc=size=160x90:rate=5:duration={seconds}", *codec, str(out)],
            check=True,
        )  # fmt: skip
        return out.read_bytes()


@functools.cache
def tiny_pdf(pages: int = 2) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<h1 style='page-break-after:always'>第{i + 1}页 安全知识</h1>" for i in range(pages))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, "PNG")
    return buf.getvalue()
