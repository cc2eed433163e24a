"""Registers as Excel workbooks: the risk ledger (风险台账), the list of major risks and their
control measures, and a bureau's list of reported (yellow and above) risks. Streamed through
`core.excel.xlsx_response` (write-only, constant memory, never a formula from typed text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safecampus.core.models import Unit

from .models import Category, ControlLevel, Level, RiskPoint, Status


def ledger_header() -> list[str]:
    return [
        _("No."), _("School"), _("Risk point"), _("Category"), _("Location"), _("Hazard factors"),
        _("Possible consequences"), _("Existing controls"), _("Emergency measures"), _("Method"),
        _("Factors"), pgettext("risk", "Score"), _("Level"), _("Colour"), _("Control level"),
        _("Responsible post"), _("Responsible person"), _("Status"), _("Next review"), _("Policy version"),
    ]  # fmt: skip


COLOUR_NAMES = {"red": _("red"), "orange": _("orange"), "yellow": _("yellow"), "blue": _("blue")}


def ledger_rows(points: Iterable[RiskPoint]) -> Iterator[list[Any]]:
    categories, levels = dict(Category.choices), dict(Level.choices)
    control, statuses = dict(ControlLevel.choices), dict(Status.choices)
    for n, p in enumerate(points, start=1):
        yield [
            n,
            p.unit.name,
            p.name,
            str(categories.get(p.category, p.category)),
            p.location,
            p.hazard_factors,
            p.consequences,
            p.controls,
            p.emergency_measures,
            p.method,
            p.factors_text(),
            float(p.score),
            str(levels.get(p.level, p.level)),
            str(COLOUR_NAMES.get(p.colour, p.colour)),
            str(control.get(p.control_level, p.control_level)),
            p.responsible_post,
            p.responsible_person.display_name if p.responsible_person else "",
            str(statuses.get(p.status, p.status)),
            p.review_date.isoformat() if p.review_date else "",
            p.policy_version,
        ]


def major_header() -> list[str]:
    return [
        _("No."), _("School"), _("Risk point"), _("Location"), _("Hazard factors"), pgettext("risk", "Score"),
        _("Control measures"), _("Responsible person"), _("Review date"), _("Status"),
    ]  # fmt: skip


def major_rows(points: Iterable[RiskPoint]) -> Iterator[list[Any]]:
    statuses = dict(Status.choices)
    for n, p in enumerate(points, start=1):
        plan = getattr(p, "control_plan", None) if hasattr(p, "control_plan") else None
        yield [
            n,
            p.unit.name,
            p.name,
            p.location,
            p.hazard_factors,
            float(p.score),
            plan.measures if plan else _("(no control plan yet)"),
            plan.responsible_person.display_name if plan else "",
            plan.review_date.isoformat() if plan else "",
            str(statuses.get(p.status, p.status)),
        ]


def preface(unit: Unit, filters: dict[str, str]) -> list[list[Any]]:
    lines: list[list[Any]] = [[_("Unit"), unit.name]]
    if filters:
        lines.append([_("Filters"), ", ".join(f"{k}={v}" for k, v in filters.items())])
    lines.append([_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    return lines


def filename(kind: str, unit: Unit) -> str:
    return f"{kind}-{unit.code}-{dt.date.today().isoformat()}.xlsx"
