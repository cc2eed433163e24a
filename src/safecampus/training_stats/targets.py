"""Target populations: the people of each audience a unit, grade or class is responsible for.

Each unit's own people (students of the school by grade and class; staff, leaders, cadres and
parents by their memberships there) are counted for its *live* school year — the current one,
or a later one once the school has been promoted into it — and stored in `TargetOwn`. A refresh
recounts one unit's own people, and adds the difference to the `TargetCell` of the unit, of each
ancestor, and of the grades and classes concerned. Earlier school years are never recounted:
they keep the numbers they had, which is the history of past years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q

from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.core.rollups import Change, Node, upsert_add
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import Grade, Student, StudentStatus
from safecampus.training.learner import audience_of_role

from .models import NO_GRADE, TARGET_KEY, TargetOwn

TargetKey = tuple  # values of TARGET_KEY


def live_year(unit: Unit) -> int:
    latest = Grade.objects.filter(unit=unit).aggregate(y=Max("school_year"))["y"]
    return max(current_school_year(), latest or 0)


def own_people(unit: Unit, year: int) -> dict[TargetKey, int]:
    """Recount the people whose home is exactly `unit`, for `year`."""
    out: dict[TargetKey, int] = {}
    if not unit.is_active:
        return out
    students = (
        Student.objects.filter(unit=unit, status=StudentStatus.ENROLLED)
        .filter(Q(school_class__isnull=True) | Q(school_class__grade__school_year=year))
        .values("school_class__grade_id", "school_class_id", "school_class__grade__level")
        .annotate(n=Count("id"))
    )
    for row in students:
        level = row["school_class__grade__level"]
        key = (
            unit.pk,
            row["school_class__grade_id"] or 0,
            row["school_class_id"] or 0,
            year,
            "student",
            unit.school_type or "",
            NO_GRADE if level is None else level,
        )
        out[key] = row["n"]
    people: dict[str, set[int]] = defaultdict(set)
    memberships = (
        Membership.objects.filter(unit=unit, is_active=True, user__is_active=True)
        .exclude(role=Role.STUDENT)
        .values_list("role", "user_id")
    )
    for role, user_id in memberships:
        people[audience_of_role(role)].add(user_id)
    for audience, users in people.items():
        out[(unit.pk, 0, 0, year, audience, "", NO_GRADE)] = len(users)
    return out


def refresh_unit(unit_id: int) -> bool:
    """Bring one unit's targets up to date; returns whether anything changed."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            return False
        year = live_year(unit)
        new = own_people(unit, year)
        old = {
            tuple(getattr(r, f) for f in TARGET_KEY): r.people
            for r in TargetOwn.objects.filter(unit_id=unit.pk, school_year=year)
        }
        diff = {k: new.get(k, 0) - old.get(k, 0) for k in new.keys() | old.keys()}
        diff = {k: v for k, v in diff.items() if v}
        if not diff:
            return False
        upsert_add(TargetOwn, TARGET_KEY, ["people"], {k: {"people": v} for k, v in diff.items()})
        TargetOwn.objects.filter(unit_id=unit.pk, school_year=year, people=0).delete()
        changes: list[Change] = [
            (Node(unit.pk, unit.path, grade_id, class_id), tuple(rest), {"people": n})
            for (_unit, grade_id, class_id, *rest), n in diff.items()
        ]
        from .rollup import TARGETS

        TARGETS.record(changes)
        return True


def refresh_units(unit_ids: Iterable[int]) -> int:
    return sum(refresh_unit(pk) for pk in sorted(set(unit_ids)))


def refresh_all() -> int:
    """Refresh every unit (after a bulk load, or when the school year turns)."""
    return refresh_units(Unit.objects.values_list("pk", flat=True))


def _units(under: str | None) -> list[Unit]:
    return list(Unit.objects.filter(path__startswith=under) if under else Unit.objects.all())


def refresh_under(under: str | None) -> int:
    """Refresh every unit under a path (all: None) — before the targets are rebuilt."""
    return refresh_units(u.pk for u in _units(under))


def own_drift(under: str | None) -> list[int]:
    """Units whose stored own people differ from a recount (a roster change that was missed)."""
    out = []
    for unit in _units(under):
        year = live_year(unit)
        stored = {
            tuple(getattr(r, f) for f in TARGET_KEY): r.people
            for r in TargetOwn.objects.filter(unit_id=unit.pk, school_year=year).exclude(people=0)
        }
        if stored != own_people(unit, year):
            out.append(unit.pk)
    return out
