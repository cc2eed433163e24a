"""The three-100% indicators of a school, derived from the register (never typed in):

- **closed management** (封闭化管理): confirmed with evidence (a photo or a document), and a gate
  barrier / anti-ram bollard in service whose last test did not fail;
- **alarm networked** (一键报警联网): a one-click alarm in service, linked with the police, whose
  last test did not fail;
- **video networked** (视频监控联网): at least the policy's `min_cameras` CCTV cameras in service
  (quantities summed) and every one of them linked with the police;
- **guards staffed** (专职保安配备): the school's guard staffing is compliant
  (`guards.staffing.staffing_for`);
- **all three** (三个100%): closed management AND alarm AND video networked AND guards staffed.

`refresh(school)` derives them and stores the school's `Three100Fact` row, writing the roll-up's
deltas in the caller's transaction; every service that changes the register, a test or closed
management calls it, and so does the guards' `staffing_changed` signal.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Sum

from safecampus.core.models import Unit, UnitKind

from . import rollup
from .models import ClosedManagement, Equipment, Kind, Result, State, Three100Fact
from .status import DefencePolicy, defence_policy

INDICATORS = rollup.INDICATORS


def _staffing(schools: list[Unit]) -> dict[int, bool]:
    """{school id: guards staffed} from the guards module (nothing staffed without it)."""
    try:
        from safecampus.guards.staffing import staffing_for_schools
    except ImportError:  # pragma: no cover - the guards module not installed
        return {}
    return {int(k): bool(getattr(v, "compliant", False)) for k, v in staffing_for_schools(schools).items()}


def derive_from(items: list[Any], closed: Any | None, rules: DefencePolicy, staffed: bool) -> dict[str, bool]:
    """The indicators of one school from its items in service, its closed-management row, its
    policy and its staffing."""

    def working(kind: str, linked: bool = False) -> bool:
        return any(
            i.kind == kind and i.last_result != Result.FAIL and (i.police_linked or not linked) for i in items
        )

    cameras = [i for i in items if i.kind == Kind.CCTV]
    out = {
        "closed_management": bool(closed and closed.confirmed and closed.evidence)
        and working(Kind.GATE_BARRIER),
        "alarm_networked": working(Kind.ONE_CLICK_ALARM, linked=True),
        "video_networked": sum(i.quantity for i in cameras) >= rules.min_cameras
        and all(i.police_linked for i in cameras),
        "guards_staffed": staffed,
    }
    out["all_three"] = all(out.values())
    return out


def derive(school: Unit, *, staffed: bool | None = None) -> dict[str, bool]:
    items = list(Equipment.objects.filter(unit=school, state=State.IN_SERVICE))
    closed = ClosedManagement.objects.filter(unit=school).first()
    if staffed is None:
        staffed = _staffing([school]).get(school.pk, False)
    return derive_from(items, closed, defence_policy(school), staffed)


def _store(school: Unit, values: dict[str, bool]) -> Three100Fact:
    fact = Three100Fact.objects.select_for_update().filter(unit=school).first()
    if fact is None:
        fact = Three100Fact(**values)
        fact.set_unit(school)
        fact.save()
        rollup.changed(None, fact)
        return fact
    if fact.unit_path != school.path or any(getattr(fact, k) != v for k, v in values.items()):
        before = rollup.state(fact)
        for k, v in values.items():
            setattr(fact, k, v)
        fact.unit_path = school.path
        fact.save()
        rollup.changed(before, fact)
    return fact


def refresh(school: Unit, *, staffed: bool | None = None) -> Three100Fact:
    """Derive the school's indicators again and store them (in the caller's transaction)."""
    with transaction.atomic():
        return _store(school, derive(school, staffed=staffed))


def staffing_changed(sender: Any = None, school: Unit | None = None, **kwargs: Any) -> None:
    """The guards' signal: a school's staffing changed (sent on commit)."""
    if school is None or school.kind != UnitKind.SCHOOL:
        return
    refresh(school)


def _schools(under: str | None) -> list[Unit]:
    qs = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    if under:
        qs = qs.filter(path__startswith=under)
    return list(qs.order_by("path"))


def _derive_many(schools: list[Unit]) -> dict[int, dict[str, bool]]:
    ids = [s.pk for s in schools]
    items: dict[int, list[Any]] = defaultdict(list)
    for i in Equipment.objects.filter(unit_id__in=ids, state=State.IN_SERVICE):
        items[i.unit_id].append(i)
    closed = {c.unit_id: c for c in ClosedManagement.objects.filter(unit_id__in=ids)}
    staffed = _staffing(schools)
    return {
        s.pk: derive_from(items[s.pk], closed.get(s.pk), defence_policy(s), staffed.get(s.pk, False))
        for s in schools
    }


def drifted(under: str | None) -> list[int]:
    """Schools whose stored row differs from what their register derives now (a school without a
    row counts as meeting nothing)."""
    out: list[int] = []
    schools = _schools(under)
    for start in range(0, len(schools), 500):
        chunk = schools[start : start + 500]
        stored = {f.unit_id: f for f in Three100Fact.objects.filter(unit_id__in=[s.pk for s in chunk])}
        for school_id, values in _derive_many(chunk).items():
            fact = stored.get(school_id)
            if any((getattr(fact, k) if fact else False) != v for k, v in values.items()):
                out.append(school_id)
    return out


def refresh_all(under: str | None) -> int:
    """Bring every school's row below `under` up to date; returns how many changed."""
    changed = 0
    schools = {s.pk: s for s in _schools(under)}
    for school_id in drifted(under):
        refresh(schools[school_id])
        changed += 1
    return changed


def quantities(school: Unit) -> dict[str, int]:
    """{kind: quantity in service} of a school."""
    rows = (
        Equipment.objects.filter(unit=school, state=State.IN_SERVICE)
        .values("kind")
        .annotate(n=Sum("quantity"))
        .order_by()
    )
    return {r["kind"]: int(r["n"] or 0) for r in rows}
