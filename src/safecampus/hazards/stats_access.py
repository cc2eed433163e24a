"""What hazard statistics are asked for, read once for the page, the exports and the API: the
unit (through `core.places.place_for` with the hazard ledger's permission — 404 alike for
missing and not yours) and the window (month range, grade, category, source)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from safecampus.core import months
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.core.places import Place, can_view_unit, default_place, place_for
from safecampus.core.roles import Perm
from safecampus.risks.models import Category

from .figures import Window
from .models import Grade, Source

PERM = Perm.VIEW_HAZARDS


def place(user: Any, code: str | None) -> Place:
    """The unit named by `code`, or the user's own highest unit (a bureau's or a school)."""
    if code:
        return place_for(user, code, perm=PERM)
    return default_place(user, PERM)


def may_view(user: Any, unit: Unit) -> bool:
    return can_view_unit(user, unit, PERM)


month = months.parse


def _choice(value: Any, choices: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise Invalid(
            _("Select a valid choice: %(choices)s.") % {"choices": ", ".join(choices.values)}, field=field
        )
    return str(value)


def window(params: Mapping[str, Any], errors: list[str] | None = None) -> Window:
    """The window named by `from`, `to`, `grade`, `category`, `source`. Bad values raise
    `Invalid`, or — when `errors` is given (pages) — are reported there and ignored."""
    parts: dict[str, Any] = {}
    readers = {
        "start": lambda: month(params.get("from"), "from"),
        "end": lambda: month(params.get("to"), "to"),
        "grade": lambda: _choice(params.get("grade"), Grade, "grade"),
        "category": lambda: _choice(params.get("category"), Category, "category"),
        "source": lambda: _choice(params.get("source"), Source, "source"),
    }
    for name, read in readers.items():
        try:
            parts[name] = read()
        except Invalid as exc:
            if errors is None:
                raise
            errors.append(str(exc.message))
    if parts.get("start") and parts.get("end") and parts["start"] > parts["end"]:
        if errors is None:
            raise Invalid(_("The first month must not be after the last."), field="from")
        errors.append(_("The first month must not be after the last."))
        parts["start"] = parts["end"] = None
    return Window(**parts)


def window_params(w: Window) -> dict[str, str]:
    """The query parameters naming a window (for links and exports)."""
    out = {
        "from": _label(w.start),
        "to": _label(w.end),
        "grade": w.grade,
        "category": w.category,
        "source": w.source,
    }
    return {k: v for k, v in out.items() if v}


def _label(m: int | None) -> str | None:
    return None if m is None else months.label(m)


def child_units(unit: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).order_by("path")
    )
