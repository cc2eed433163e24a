"""Shared makers for the letters tests: a drawn signature PNG, the county's texts, the posts."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from safecampus.core.models import Unit
from safecampus.responsibility import services
from safecampus.responsibility.models import Post, PostKind


def signature_png(width: int = 300, height: int = 100, *, blank: bool = False) -> bytes:
    img = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if not blank:
        d = ImageDraw.Draw(img)
        d.line([(10, 70), (60, 20), (110, 80), (170, 30), (260, 60)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(png or signature_png()).decode()


def county_texts(county_user, kinds=(PostKind.PRINCIPAL, PostKind.HEAD_TEACHER, PostKind.GUARD)) -> dict:
    county = Unit.objects.get(code="demo-c1-k1")
    return {
        k: services.write_text(
            county,
            actor=county_user,
            kind=k,
            title=f"{k} 安全工作责任书",
            body=f"一岗双责，层层签订。{k} 的安全责任。",
        )
        for k in kinds
    }


def synced(school, actor) -> None:
    services.sync_posts(school, actor=actor)


def post_of(school, user, kind) -> Post:
    return Post.objects.get(unit=school, holder=user, kind=kind, active=True)
