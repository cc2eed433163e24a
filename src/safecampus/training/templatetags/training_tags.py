"""Template filters of the training pages: lengths of time, titles in the page's language, and
lesson HTML (sanitised on output, wherever a lesson is shown)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from safecampus.core.files.html import sanitise_html
from safecampus.core.i18n import localized

register = template.Library()


@register.filter
def lesson_html(value: Any) -> SafeString:
    """Stored lesson HTML, sanitised again as it is shown (`media.sanitise_html`): the one way
    templates print a lesson's text, never `|safe`."""
    return mark_safe(sanitise_html(str(value or "")))  # noqa: S308 (sanitised just above)


def _seconds(value: Any) -> int | None:
    try:
        return max(round(float(value or 0)), 0)
    except (TypeError, ValueError, OverflowError):
        return None


@register.filter
def duration(seconds: Any) -> str:
    """A length of time for people: "45 s", "1 min 30 s" (under ten minutes), "12 min", "1 h 5 min"."""
    total = _seconds(seconds)
    if total is None:
        return ""
    if total < 60:
        return _("%(s)s s") % {"s": total}
    minutes, secs = divmod(total, 60)
    if minutes < 10 and secs:
        return _("%(m)s min %(s)s s") % {"m": minutes, "s": secs}
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return _("%(h)s h") % {"h": hours}
    return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}


@register.filter
def clock(seconds: Any) -> str:
    """A position in a video: "4:05", "1:02:03"."""
    total = _seconds(seconds)
    if total is None:
        return ""
    hours, rest = divmod(int(float(seconds or 0)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def hours(value: Any) -> str:
    """Hours with one decimal: "12.5"."""
    try:
        return f"{float(value or 0):.1f}"
    except (TypeError, ValueError):
        return ""


@register.filter
def local_title(obj: Any, field: str = "title") -> str:
    """The English title (or name) on English pages when there is one, else the Chinese one."""
    return localized(obj, field)
