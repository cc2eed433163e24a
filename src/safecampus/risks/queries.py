"""Reading risk points: always through `RiskPoint.objects.visible_to(user)` (the model's access
rule), then narrowed.

School people who may view risks see all of their school's points. Bureau people see, in their
subtree, only what schools report upward: confirmed points of yellow and above. Anything else
answers 404 alike for missing and forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404

from safecampus.core import access
from safecampus.core.access import holds_at
from safecampus.core.models import Unit, UnitKind
from safecampus.core.policy import cached_policy_for
from safecampus.core.roles import Perm
from safecampus.core.scoping import has_perm_at
from safecampus.core.services import CODE_RE

from .models import LEVEL_ORDER, Category, ControlLevel, Level, RiskPoint, Status


def reported_levels(bureau: Unit) -> list[str]:
    """The levels schools report to this bureau: the policy's `risks.report_upward_from`
    (moderate, i.e. yellow and above, by default) and every level above it."""
    lowest = str(cached_policy_for(bureau.pk).get("risks", {}).get("report_upward_from", Level.MODERATE))
    order = [str(level) for level in sorted(LEVEL_ORDER, key=LEVEL_ORDER.get, reverse=True)]  # worst first
    return order[: order.index(lowest) + 1] if lowest in order else order[:3]


def reported_q(bureau: Unit) -> Q:
    """What schools report upward (一卡一账两清单): confirmed points at the policy's levels."""
    return Q(status=Status.CONFIRMED, level__in=reported_levels(bureau))


def point_for(user: Any, point_id: int) -> RiskPoint:
    point = (
        RiskPoint.objects.visible_to(user)
        .select_related("unit", "responsible_person", "control_plan")
        .filter(pk=point_id)
        .first()
    )
    if point is None:
        raise Http404
    return point


def can_view(user: Any, unit: Unit) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and has_perm_at(
        user, Perm.VIEW_RISKS, unit
    )


def can_manage(user: Any, unit: Unit) -> bool:
    return bool(user and user.is_authenticated) and has_perm_at(user, Perm.MANAGE_RISKS, unit)


def school_for(user: Any, unit_id: int) -> Unit:
    """A school whose risk registers the user may read in full (school people; 404 otherwise)."""
    unit = Unit.objects.filter(pk=unit_id, kind=UnitKind.SCHOOL, is_active=True).first()
    if unit is None or not can_view(user, unit) or not full_view(user, unit):
        raise Http404
    return unit


def full_view(user: Any, unit: Unit) -> bool:
    return holds_at(user, Perm.VIEW_RISKS, unit, bureau=False)


def full_view_below(user: Any, unit: Unit) -> bool:
    """Does the user read some points under `unit` in full (a school membership there, or a
    superuser), beyond what schools report upward?"""
    if access.is_root(user):
        return True
    return any(
        m.unit.path.startswith(unit.path) for m in access.memberships(user, Perm.VIEW_RISKS, bureau=False)
    )


def unit_for(user: Any, unit_id: int) -> Unit:
    """Any unit where the user may view risks (bureau views read the reported points)."""
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None or not can_view(user, unit):
        raise Http404
    return unit


def unit_by_code(user: Any, code: str) -> Unit:
    if not CODE_RE.match(code or ""):
        raise Http404
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None or not can_view(user, unit):
        raise Http404
    return unit


def home_unit(user: Any) -> Unit | None:
    """The unit a user's risk pages open at: the active membership's, else the first that views."""
    return access.home_unit(user, Perm.VIEW_RISKS)


@dataclass
class Filters:
    category: str = ""
    level: str = ""
    status: str = ""
    control_level: str = ""
    post: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, data: Any) -> Filters:
        def pick(key: str, allowed: list[str]) -> str:
            value = str(data.get(key) or "")
            return value if value in allowed else ""

        text = " ".join(str(data.get("q") or "").replace("\x00", "").split())[:60]
        post = " ".join(str(data.get("post") or "").replace("\x00", "").split())[:40]
        return cls(
            category=pick("category", Category.values),
            level=pick("level", Level.values),
            status=pick("status", Status.values),
            control_level=pick("control_level", ControlLevel.values),
            post=post,
            q=text,
        )

    def apply(self, qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
        if self.category:
            qs = qs.filter(category=self.category)
        if self.level:
            qs = qs.filter(level=self.level)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.control_level:
            qs = qs.filter(control_level=self.control_level)
        if self.post:
            qs = qs.filter(responsible_post=self.post)
        if self.q:
            qs = qs.filter(
                Q(name__icontains=self.q)
                | Q(location__icontains=self.q)
                | Q(hazard_factors__icontains=self.q)
            )
        return qs

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def ledger(user: Any, unit: Unit, filters: Filters | None = None) -> QuerySet[RiskPoint]:
    """The risk ledger (风险台账) of a unit's subtree as the user may read it."""
    qs = RiskPoint.objects.visible_to(user).filter(unit_path__startswith=unit.path)
    if filters is not None:
        qs = filters.apply(qs)
    rank = Case(*(When(level=lv, then=Value(n)) for lv, n in LEVEL_ORDER.items()), default=Value(0))
    return (
        qs.select_related("unit", "responsible_person")
        .annotate(level_rank=rank)
        .order_by("unit_path", "-level_rank", "-score", "name", "pk")
    )


@dataclass
class SchoolRow:
    unit: Unit
    worst: str | None
    counts: dict[str, int]

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.get(self.worst, 0) if self.worst else 0


def child_counts(user: Any, unit: Unit) -> list[dict[str, Any]]:
    """Each child unit of a bureau unit with its subtree's reported points counted by level
    (`n_<level>`, `total`, `worst`): one grouped read of the `risks` roll-up's cells. (A bureau
    reader reads every reported point of the subtree: the access rule's bureau part.)"""
    from safecampus.core.ranking import child_units

    from . import counts

    children = child_units(unit)
    found = counts.read(children, where={"status": Status.CONFIRMED, "level": reported_levels(unit)},
                        group=("level",))  # fmt: skip
    rows = []
    for child in children:
        row: dict[str, Any] = {
            "unit": child,
            **{f"n_{lv}": found.get((child.pk, lv), 0) for lv in LEVEL_ORDER},
        }
        row["total"] = sum(row[f"n_{lv}"] for lv in LEVEL_ORDER)
        row["worst"] = max((n for lv, n in LEVEL_ORDER.items() if row[f"n_{lv}"]), default=0)
        rows.append(row)
    return rows


def reported_total(unit: Unit, filters: Filters) -> int | None:
    """How many points a bureau's reported ledger lists, from the cells — None when a filter
    (control level, post, text) needs the points themselves."""
    from . import counts

    if filters.control_level or filters.post or filters.q:
        return None
    levels = [lv for lv in reported_levels(unit) if not filters.level or lv == filters.level]
    if filters.status and filters.status != Status.CONFIRMED:
        return 0
    where: dict[str, Any] = {"status": Status.CONFIRMED, "level": levels}
    if filters.category:
        where["category"] = filters.category
    return counts.read([unit], where=where).get((unit.pk,), 0)


def school_rows(rows: list[dict[str, Any]]) -> list[SchoolRow]:
    """A page of ranked `child_counts` as the rows the bureau page shows."""
    out = []
    for row in rows:
        counts = {lv: row[f"n_{lv}"] for lv in LEVEL_ORDER if row[f"n_{lv}"]}
        worst = max(counts, key=lambda lv: LEVEL_ORDER[lv]) if counts else None
        out.append(SchoolRow(row["unit"], worst, counts))
    return out


def posts_of(user: Any, unit: Unit) -> list[str]:
    """Post names that have risk points at a school (one notice card each)."""
    names = (
        RiskPoint.objects.visible_to(user)
        .filter(unit=unit)
        .exclude(status=Status.RETIRED)
        .exclude(responsible_post="")
        .values_list("responsible_post", flat=True)
        .distinct()
    )
    return sorted(set(names))
