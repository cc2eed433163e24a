"""Reading the guard register and the staffing board, always scoped: a school's guards with what
each lacks (certificate, training, age), one guard, and a bureau's board — its child units with
their schools' staffing summed and the schools that fall short."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecampus.core.models import Unit, UnitKind
from safecampus.core.policy import policy_for
from safecampus.core.ranking import child_units
from safecampus.core.scoping import get_visible_or_404
from safecampus.training_stats.compliance import year_fraction

from .models import Guard, GuardStatus, SecurityCompany
from .staffing import Staffing, staffing_for_schools, training_hours, years_ago

SHORT_LIMIT = 200  # schools short of guards listed on a board page (the export has them all)


def guards_of(user: Any, school: Unit) -> QuerySet:
    return Guard.objects.visible_to(user).filter(unit=school).select_related("company", "user")


def companies_of(user: Any, school: Unit) -> QuerySet:
    return SecurityCompany.objects.visible_to(user).filter(unit=school)


def get_guard_for(user: Any, guard_id: Any) -> Guard:
    """404 alike for missing and for not yours."""
    return get_visible_or_404(Guard.objects.select_related("unit", "company", "user"), user, pk=guard_id)


@dataclass
class GuardFlags:
    """What a guard on post lacks, against the school's policy."""

    certified: bool = False
    expired: bool = False
    expiring: bool = False
    untrained: bool = False
    over_age: bool = False
    age: int | None = None
    hours: float = 0.0


def flag_guards(guards: list[Guard], school: Unit, today: dt.date | None = None) -> None:
    """Set `guard.flags` on each guard of the school (one query for the training hours)."""
    today = today or timezone.localdate()
    rules = policy_for(school)["guards"]
    hours = training_hours((g.user_id for g in guards), today.year)
    horizon = today + dt.timedelta(days=int(rules["expiring_within_days"]))
    expected = float(rules["annual_training_hours"]) * year_fraction(today.year, today)
    born_before = years_ago(today, int(rules["max_age"]) + 1)
    for g in guards:
        certified = g.certified_on(today)
        got = round(hours.get(g.user_id, 0.0), 1)
        g.flags = GuardFlags(
            certified=certified,
            expired=bool(g.certificate_expires) and g.certificate_expires < today,
            expiring=certified and g.certificate_expires <= horizon,
            untrained=g.on_post and got + 1e-9 < expected,
            over_age=g.birth_date is not None and g.birth_date <= born_before,
            age=g.age_on(today),
            hours=got,
        )


def schools_under(unit: Unit) -> list[Unit]:
    if unit.kind == UnitKind.SCHOOL:
        return [unit]
    return list(
        Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.SCHOOL, is_active=True).order_by("path")
    )


@dataclass
class BoardRow:
    """A child unit of a board (or a school): its schools' staffing summed."""

    unit: Unit
    schools: int = 0
    compliant: int = 0
    students: int = 0
    required: int = 0
    on_post: int = 0
    certified: int = 0
    counted: int = 0
    expiring: int = 0
    untrained: int = 0
    over_age: int = 0
    staffing: Staffing | None = None  # a school's own

    def add(self, s: Staffing) -> None:
        self.schools += 1
        self.compliant += s.compliant
        for name in (
            "students",
            "required",
            "on_post",
            "certified",
            "counted",
            "expiring",
            "untrained",
            "over_age",
        ):
            setattr(self, name, getattr(self, name) + getattr(s, name))

    @property
    def short(self) -> int:
        return self.schools - self.compliant

    @property
    def rate(self) -> float | None:
        return self.compliant / self.schools if self.schools else None


@dataclass
class Board:
    unit: Unit
    total: BoardRow
    children: list[BoardRow] = field(default_factory=list)
    short: list[Staffing] = field(default_factory=list)  # schools not compliant, most short first
    staffing: dict[int, Staffing] = field(default_factory=dict)


def board(unit: Unit, today: dt.date | None = None) -> Board:
    """The staffing board of a unit: every school under it (constant queries), summed per child."""
    schools = schools_under(unit)
    staffing = staffing_for_schools(schools, today=today)
    total = BoardRow(unit)
    kids = [BoardRow(c) for c in child_units(unit)] if unit.is_bureau else []
    for s in staffing.values():
        total.add(s)
        for row in kids:
            if s.unit.path.startswith(row.unit.path):
                row.add(s)
                if row.unit.pk == s.unit.pk:
                    row.staffing = s
                break
    short = sorted((s for s in staffing.values() if not s.compliant), key=lambda s: (-s.short, s.unit.path))
    return Board(unit, total, kids, short, staffing)


def on_post_first(guards: QuerySet) -> QuerySet:
    return guards.order_by("status", "name", "id").filter(status__in=GuardStatus.values)
