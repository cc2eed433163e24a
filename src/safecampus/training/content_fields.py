"""Field rules shared by the content services: text, dates, positions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid


def text(value: Any, limit: int, field: str, *, required: bool = True) -> str:
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise Invalid(_("This field is required."), field=field)
    if len(cleaned) > limit:
        raise Invalid(_("Ensure this value has at most %(n)s characters.") % {"n": limit}, field=field)
    return cleaned


def _dates(starts_on: Any, ends_on: Any) -> tuple[dt.date, dt.date]:
    try:
        start = starts_on if isinstance(starts_on, dt.date) else dt.date.fromisoformat(str(starts_on))
        end = ends_on if isinstance(ends_on, dt.date) else dt.date.fromisoformat(str(ends_on))
    except ValueError:
        raise Invalid(_("Enter dates as YYYY-MM-DD."), field="starts_on") from None
    if end < start:
        raise Invalid(_("The end date is before the start date."), field="ends_on")
    return start, end


def order_of(value: Any) -> int:
    """A position in a list (0 when empty)."""
    try:
        order = int(value or 0)
    except (TypeError, ValueError):
        order = -1
    if not 0 <= order <= 32767:
        raise Invalid(_("The position must be a whole number from 0 to 32767."), field="order")
    return order
