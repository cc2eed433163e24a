"""Text input as the letters' services accept it: no NUL, trimmed, within a limit, translated errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid


def clean_text(value: Any, limit: int, field: str, *, multiline: bool = False, required: str = "") -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise Invalid(_("The text contains a NUL character."), field=field)
    text = text.replace("\r\n", "\n").strip() if multiline else " ".join(text.split())
    if len(text) > limit:
        raise Invalid(_("Ensure this value has at most %(n)s characters.") % {"n": limit}, field=field)
    if required and not text:
        raise Invalid(required, field=field)
    return text
