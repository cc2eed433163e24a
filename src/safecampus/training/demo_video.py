"""The demo's one video, made at demo time without a network: title cards of the drowning-prevention
rules drawn with Pillow and encoded to MP4 (H.264, yuv420p, faststart) by the ffmpeg binary that
imageio-ffmpeg ships. Small and slow (640×360, 4 frames a second) so it takes a few seconds.
"""

from __future__ import annotations

import functools
import glob
import io
import shutil
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from safecampus.core.files.checks import ffmpeg_exe

WIDTH, HEIGHT, FPS = 640, 360, 4
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK*.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/**/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/**/wqy-*.tt[cf]",
]
NAVY, WHITE, YELLOW, PALE = (13, 59, 102), (255, 255, 255), (255, 209, 102), (190, 214, 235)


@dataclass(frozen=True)
class Card:
    seconds: int
    heading: str  # large, Chinese
    lines: tuple[str, ...]  # Chinese
    english: str  # one small line, ASCII (also what is drawn when no CJK font is found)
    badge: str = ""


CARDS: tuple[Card, ...] = (
    Card(
        6,
        "珍爱生命 预防溺水",
        ("防溺水安全提示短片", "东岳省中小学安全教育专题活动（演示）"),
        "Cherish life, prevent drowning",
        "安全",
    ),
    Card(
        5, "不私自下水游泳", ("想游泳，先告诉家长", "要有大人陪同"), "1. Never swim without permission", "1"
    ),
    Card(
        5,
        "不擅自与他人结伴游泳",
        ("小伙伴邀请也要说“不”", "结伴下水不等于安全"),
        "2. Never swim with friends alone",
        "2",
    ),
    Card(
        5,
        "不在无家长或教师带领的情况下游泳",
        ("游泳必须有成年人看护",),
        "3. Only with a parent or teacher",
        "3",
    ),
    Card(
        5,
        "不到无安全设施、无救援人员的水域游泳",
        ("选择正规游泳场馆",),
        "4. Only where there are lifeguards",
        "4",
    ),
    Card(
        5,
        "不到不熟悉的水域游泳",
        ("河道、水库、池塘、沟渠", "水下情况看不见"),
        "5. Never in unfamiliar water",
        "5",
    ),
    Card(5, "不熟悉水性的学生不擅自下水施救", ("未成年人不要下水救人",), "6. Never jump in to rescue", "6"),
    Card(
        7,
        "发现有人落水怎么办",
        ("大声呼救，请大人来帮忙", "拨打 110 / 120 / 119", "递竹竿、绳子、救生圈，不下水"),
        "Shout for help, call 110, reach or throw; never jump in",
        "救",
    ),
    Card(5, "安全记心间 平安伴我行", ("牢记“六不”，智救不盲救",), "Remember the six don'ts", "安全"),
)


@functools.cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs (fonts-noto-cjk), or None when the system has none."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            out = subprocess.run(  # noqa: S603 (fixed program, no shell)
                [fc_match, "-f", "%{file}", "Noto Sans CJK SC:bold"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if "CJK" in out or "wqy" in out.lower():
            return out
    for pattern in FONT_CANDIDATES:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill: tuple[int, int, int]) -> int:
    font = _font(size)
    while size > 14 and draw.textlength(text, font=font) > WIDTH - 60:
        size -= 2
        font = _font(size)
    width = draw.textlength(text, font=font)
    draw.text(((WIDTH - width) / 2, y), text, font=font, fill=fill)
    return y + int(size * 1.45)


def render_card(card: Card) -> Image.Image:
    """One card as an RGB image (Chinese when a CJK font exists, else its English line)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 8], fill=YELLOW)
    cjk = cjk_font_path() is not None
    if card.badge and cjk:
        r = 34
        draw.ellipse([WIDTH / 2 - r, 34, WIDTH / 2 + r, 34 + 2 * r], fill=YELLOW)
        badge_size = 34 if len(card.badge) == 1 else 24
        font = _font(badge_size)
        w = draw.textlength(card.badge, font=font)
        draw.text((WIDTH / 2 - w / 2, 34 + r - badge_size * 0.62), card.badge, font=font, fill=NAVY)
    y = 122
    if cjk:
        y = _centred(draw, y, card.heading, 34, WHITE) + 8
        for line in card.lines:
            y = _centred(draw, y, line, 22, PALE)
        _centred(draw, HEIGHT - 62, card.english, 16, PALE)
    else:
        _centred(draw, 150, card.english, 26, WHITE)
    return image


def total_seconds(cards: tuple[Card, ...] = CARDS) -> int:
    return sum(card.seconds for card in cards)


def _frames(cards: tuple[Card, ...]) -> list[bytes]:
    """Raw RGB frames: each card held for its seconds, with a bar that fills as the video plays."""
    total = total_seconds(cards) * FPS
    frames: list[bytes] = []
    for card in cards:
        base = render_card(card)
        for _ in range(card.seconds * FPS):
            frame = base.copy()
            done = int(WIDTH * (len(frames) + 1) / total)
            ImageDraw.Draw(frame).rectangle([0, HEIGHT - 6, done, HEIGHT], fill=YELLOW)
            frames.append(frame.tobytes())
    return frames


def render_video(cards: tuple[Card, ...] = CARDS) -> bytes:
    """The MP4 (H.264, yuv420p, moov atom first); raises RuntimeError when ffmpeg fails."""
    import tempfile
    from pathlib import Path

    raw = b"".join(_frames(cards))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "drowning.mp4"
        proc = subprocess.run(  # noqa: S603 (fixed program, no shell)
            [
                ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS),
                "-i", "pipe:0",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "28",
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out),
            ],
            input=raw,
            capture_output=True,
            timeout=120,
            check=False,
        )  # fmt: skip
        if proc.returncode != 0 or not out.exists():
            raise RuntimeError(f"ffmpeg could not encode the demo video: {proc.stderr[-500:]!r}")
        return out.read_bytes()


def render_poster(cards: tuple[Card, ...] = CARDS) -> bytes:
    """The first card as a JPEG."""
    buf = io.BytesIO()
    render_card(cards[0]).save(buf, "JPEG", quality=85)
    return buf.getvalue()
