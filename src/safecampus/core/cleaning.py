"""Cleaning the values a form or a phone sends, once for every module: short texts, client ids
(the key that makes a phone's retry answer what the first call created) and ISO dates. Each
raises `Invalid` with a translated message and the field, so a bad value changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils.translation import gettext as _

from .errors import Invalid


def clean_text(value: Any, limit: int, field: str, *, multiline: bool = False, required: str = "") -> str:
    """The text trimmed (one line: inner runs of spaces folded), at most `limit` characters, no
    NUL; `required`, when given, is the message for an empty text."""
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise Invalid(_("The text contains a NUL character."), field=field)
    text = text.replace("\r\n", "\n").strip() if multiline else " ".join(text.split())
    if len(text) > limit:
        raise Invalid(_("Ensure this value has at most %(n)s characters.") % {"n": limit}, field=field)
    if required and not text:
        raise Invalid(required, field=field)
    return text


def client_uuid(value: Any, *, required: str = "") -> uuid.UUID | None:
    """A phone's client id (a UUID); None when none was sent, unless `required` says why one must be."""
    if value in (None, ""):
        if required:
            raise Invalid(required, field="client_id")
        return None
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Invalid(_("The client id must be a UUID."), field="client_id") from None


def iso_date(value: Any, field: str) -> dt.date | None:
    """A date (YYYY-MM-DD, or a date already); None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_("Enter a valid date."), field=field) from None
