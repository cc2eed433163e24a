"""Language helpers for content: lists written as the language writes them, and content kept in
two languages (a `title` with its `title_en`) shown in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def list_join(items: Iterable[Any]) -> str:
    """Items joined as the language writes a list (顿号 in Chinese)."""
    return (", " if is_english() else "、").join(str(i) for i in items)


def localized(obj: Any, field: str = "title") -> str:
    """`obj.<field>` in the reader's language: its `<field>_en` in English when there is one."""
    value = getattr(obj, field, "") or ""
    if is_english():
        return getattr(obj, f"{field}_en", "") or value
    return value
