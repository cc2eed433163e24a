"""Lesson and notice HTML as it may be stored and shown: a small allow-list of tags (nh3), no
scripts, event handlers or javascript: addresses, and only same-origin images."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.urls import reverse

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
# An <img> tag as nh3 writes it (every value double-quoted, quotes inside escaped).
IMG_TAG = re.compile(r'<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')


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
