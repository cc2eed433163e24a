"""The drawn signature: a `data:image/png;base64,…` URL from the phone's canvas, checked by
content (PNG magic bytes, a size limit, Pillow reads it, sensible dimensions, not blank) and
re-encoded, so only a clean PNG is stored and embedded in the signed letter."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PREFIX = "data:image/png;base64,"
MAX_BYTES = 200 * 1024  # the PNG itself
MAX_SIDE = 2000
MIN_SIDE = 20


def _bad(message: str) -> Invalid:
    return Invalid(message, field="signature")


def png_from_data_url(value: Any) -> bytes:
    """The checked, re-encoded PNG bytes of a signature data URL; `Invalid` on the `signature`
    field for anything else (empty, not a PNG, too large, unreadable, blank)."""
    if not isinstance(value, str) or not value.strip():
        raise _bad(_("Draw your signature before signing."))
    text = value.strip()
    if not text.lower().startswith(PREFIX):
        raise _bad(_("The signature must be a PNG image (a data:image/png;base64 URL)."))
    encoded = text[len(PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 8:
        raise _bad(_("The signature image is too large (at most 200 KB)."))
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(_("The signature image could not be read.")) from None
    if not raw.startswith(PNG_MAGIC):
        raise _bad(_("The signature must be a PNG image (a data:image/png;base64 URL)."))
    if len(raw) > MAX_BYTES:
        raise _bad(_("The signature image is too large (at most 200 KB)."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as img:
            if img.format != "PNG":
                raise _bad(_("The signature must be a PNG image (a data:image/png;base64 URL)."))
            w, h = img.size
            if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
                raise _bad(_("The signature image has an unusual size."))
            rgba = img.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _bad(_("The signature image could not be read.")) from None
    if _blank(rgba):
        raise _bad(_("Draw your signature before signing."))
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _blank(img: Any) -> bool:
    """No visible stroke: fully transparent, or everything near white."""
    from PIL import ImageOps

    alpha = img.getchannel("A")
    if alpha.getbbox() is None:
        return True
    white = img.convert("RGB")
    ink = ImageOps.invert(white).point(lambda v: 255 if v > 40 else 0)
    # Pixels that are both visible and dark enough count as ink.
    from PIL import ImageChops

    return (
        ImageChops.multiply(ink.convert("L"), alpha.point(lambda v: 255 if v > 40 else 0)).getbbox() is None
    )


def data_url(png: bytes) -> str:
    return PREFIX + base64.b64encode(bytes(png)).decode("ascii")
