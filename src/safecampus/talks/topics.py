"""What a 1530 talk is suggested to be about: the month's theme of the school's term safety plan
(每月一主题) when a theme source is registered and has one, else the season's topic from the
policy (`talks.topics`: drowning prevention in summer, fire in winter, festivals, road safety).

The term-plan app registers its source at start-up:

    from safecampus.talks.topics import register_theme_source
    register_theme_source(lambda unit, day: plan_theme_or_none(unit, day))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language

from safecampus.core.policy import Policy, policy_for

ThemeSource = Callable[[Any, dt.date], "str | None"]

_SOURCES: list[ThemeSource] = []


def register_theme_source(fn: ThemeSource) -> None:
    """Add a source of the month's theme: `fn(unit, day) -> str | None` (idempotent)."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)


def unregister_theme_source(fn: ThemeSource) -> None:
    if fn in _SOURCES:
        _SOURCES.remove(fn)


def _text(entry: Any, language: str | None) -> str:
    lang = (language or get_language() or "zh-hans").lower()
    zh, en = str(entry.get("zh") or ""), str(entry.get("en") or "")
    return (en or zh) if lang.startswith("en") else (zh or en)


def seasonal_topic(day: dt.date, policy: Policy, language: str | None = None) -> str:
    """The policy's topic for the day's month (its default topic when none names the month)."""
    section = policy.get("talks") or {}
    for entry in section.get("topics") or []:
        if day.month in (entry.get("months") or []):
            return _text(entry, language)
    return _text(section.get("default_topic") or {}, language)


def suggested_topic(
    unit: Any, day: dt.date, *, policy: Policy | None = None, language: str | None = None
) -> str:
    """The month's plan theme at `unit` when a registered source has one, else the season's."""
    for source in _SOURCES:
        theme = source(unit, day)
        if theme:
            return str(theme)
    return seasonal_topic(day, policy if policy is not None else policy_for(unit), language)
