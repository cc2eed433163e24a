"""Template filters of the statistics pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from safecampus.training.templatetags.training_tags import duration

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """A rate (0..1) as a percentage with one decimal, "—" when undefined."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def pct_width(value: Any) -> str:
    """A rate as a CSS width (0–100 %)."""
    try:
        return f"{min(max(float(value or 0), 0.0), 1.0) * 100:.1f}%"
    except (TypeError, ValueError):
        return "0%"


@register.filter
def learning_time(seconds: Any) -> str:
    """Credited seconds for a table: hours with one decimal from six minutes on, else "4 min 5 s"."""
    try:
        total = float(seconds or 0)
    except (TypeError, ValueError):
        return ""
    if total <= 0:
        return "—"
    if total >= 360:
        return _("%(h)s h") % {"h": f"{total / 3600:.1f}"}
    return duration(total)
