"""Reading the statistics: figures of nodes for a scope, audience and date range.

Figures come from the roll-up cells plus the deltas not yet folded in (so they are exact at any
moment), and the target cells of the campaign's school year. Definitions (shown on the pages):

- target: people of the audience the unit is responsible for, who fit the scope's courses
  (students by school type and grade), counted within the campaign's (or course's) own area;
- participants: people who began learning in the scope (first credited second, or a passed
  quiz) on or before the end of the range; new participants: those who began within the range;
- learning time: credited time within the range; average = learning time / participants;
- takings, completions, passes: people × courses begun, completed, passed (by the range's end);
- participation rate = participants / target; pass rate = passes / takings;
  completion of target = completions / (Σ over courses of the course's target).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from safecampus.core.models import Unit
from safecampus.core.rollups import Node, Total, ratio, unit_ids_by_path
from safecampus.training.models import Audience, Campaign, ContentStatus, Course, Stage, student_fits

from .models import NO_GRADE
from .rollup import TARGETS, TRAINING

NodeKey = tuple[int, int, int]  # unit_id, grade_id, class_id
AUDIENCES = [a.value for a in Audience]
FAR_PAST, FAR_FUTURE = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
COURSE_FIELDS = ("id", "unit_path", "campaign_id", "stage_id", "audiences", "school_types", "grade_min",
                 "grade_max", "title", "title_en", "status")  # fmt: skip
COUNTERS = ("participants", "new_participants", "learning_ms", "takings", "completions", "passes")


@dataclass(frozen=True)
class Scope:
    campaign: Campaign
    stage: Stage | None = None
    course: Course | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        if self.course is not None:
            return (self.campaign.pk, self.course.stage_id or 0, self.course.pk)
        return (self.campaign.pk, self.stage.pk if self.stage else 0, 0)

    def courses(self) -> list[Course]:
        """The scope's courses (not drafts), with the fields that decide who they are for."""
        if self.course is not None:
            return [self.course]
        qs = Course.objects.filter(campaign=self.campaign).exclude(status=ContentStatus.DRAFT)
        if self.stage is not None:
            qs = qs.filter(stage=self.stage)
        return list(qs.only(*COURSE_FIELDS))


@dataclass
class Figures:
    target: int = 0
    course_target: int = 0
    participants: int = 0
    new_participants: int = 0
    learning_ms: int = 0
    takings: int = 0
    completions: int = 0
    passes: int = 0

    def __iadd__(self, other: Figures) -> Figures:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)
        return self

    @property
    def learning_s(self) -> float:
        return self.learning_ms / 1000

    @property
    def average_s(self) -> float:
        return self.learning_s / self.participants if self.participants else 0.0

    @property
    def participation_rate(self) -> float | None:
        return self.participants / self.target if self.target else None

    @property
    def pass_rate(self) -> float | None:
        return self.passes / self.takings if self.takings else None

    @property
    def completion_rate(self) -> float | None:
        return self.completions / self.course_target if self.course_target else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            learning_s=round(self.learning_s, 3),
            average_s=round(self.average_s, 3),
            participation_rate=ratio(self.participation_rate),
            pass_rate=ratio(self.pass_rate),
            completion_rate=ratio(self.completion_rate),
        )
        return data


@dataclass
class Report:
    """Figures per node and audience."""

    by_node: dict[NodeKey, dict[str, Figures]] = field(default_factory=dict)

    def of(self, node: NodeKey, audience: str | None = None) -> Figures:
        parts = self.by_node.get(node, {})
        if audience:
            return parts.get(audience, Figures())
        total = Figures()
        for f in parts.values():
            total += f
        return total


def _scope_where(scope: Scope, audiences: list[str]) -> dict[str, Any]:
    campaign_id, stage_id, course_id = scope.key
    return {"campaign_id": campaign_id, "stage_id": stage_id, "course_id": course_id, "audience": audiences}


def _counter_sums(
    nodes: list[NodeKey],
    paths: dict[int, str],
    scope: Scope,
    audiences: list[str],
    start: dt.date,
    end: dt.date,
) -> dict:
    """Figures per node and audience: the cells plus the deltas still pending, read by the engine
    (people, takings, completions and passes by the range's end; time and new people within it)."""
    totals = {
        "participants": Total("participants", "day", end=end),
        "new_participants": Total("participants", "day", start, end),
        "learning_ms": Total("learning_ms", "day", start, end),
        "takings": Total("takings", "day", end=end),
        "completions": Total("completions", "day", end=end),
        "passes": Total("passes", "day", end=end),
    }
    found = TRAINING.read(nodes, paths, where=_scope_where(scope, audiences), ranges={"day": (None, end)},
                          group=("audience",), totals=totals)  # fmt: skip
    out: dict = defaultdict(Figures)
    for key, sums in found.items():
        out[key] = Figures(**sums)
    return out


def fits(course: Course, audience: str, school_type: str, grade_level: int) -> bool:
    if audience not in course.audiences:
        return False
    if audience != Audience.STUDENT:
        return True
    return student_fits(course, school_type, None if grade_level == NO_GRADE else grade_level)


def _area(node_path: str, area_path: str) -> str | None:
    """Where a node's target is counted for an offer made at `area_path`: the node itself when it
    lies inside the area, the area when the node contains it, nothing otherwise."""
    if node_path.startswith(area_path):
        return node_path
    if area_path.startswith(node_path):
        return area_path
    return None


def _targets(nodes: list[NodeKey], paths: dict[int, str], scope: Scope, audiences: list[str]) -> dict:
    courses = scope.courses()
    areas: dict[NodeKey, dict[str, str | None]] = {}  # node → offer path → counting path
    offers = {scope.campaign.unit_path} | {c.unit_path for c in courses}
    for n in nodes:
        areas[n] = {o: _area(paths.get(n[0], "\0"), o) for o in offers}
    needed_paths = {p for a in areas.values() for p in a.values() if p}
    known = {p: pk for pk, p in paths.items()}
    ids = {**unit_ids_by_path(needed_paths - known.keys()), **known} if needed_paths - known.keys() else known
    lookups = set()
    for n in nodes:
        for p in areas[n].values():
            if p is None:
                continue
            inner = p == paths.get(n[0])
            lookups.add(n if inner else (ids.get(p, 0), 0, 0))
    cells: dict[NodeKey, list] = defaultdict(list)
    where = {"school_year": scope.campaign.school_year, "audience": audiences}
    group = ("audience", "school_type", "grade_level")
    for (u, g, k, *rest), sums in TARGETS.read(sorted(lookups), {}, where=where, group=group).items():
        cells[(u, g, k)].append([*rest, sums["people"]])
    out: dict = defaultdict(Figures)

    def counted(n: NodeKey, offer: str) -> NodeKey | None:
        p = areas[n][offer]
        if p is None:
            return None
        return n if p == paths.get(n[0]) else (ids.get(p, 0), 0, 0)

    for n in nodes:
        src = counted(n, scope.campaign.unit_path)
        for audience, school_type, level, people in cells.get(src, []) if src else []:
            if any(fits(c, audience, school_type, level) for c in courses):
                out[(*n, audience)].target += people
        for c in courses:
            src = counted(n, c.unit_path)
            for audience, school_type, level, people in cells.get(src, []) if src else []:
                if fits(c, audience, school_type, level):
                    out[(*n, audience)].course_target += people
    return out


def report(
    nodes: list[NodeKey],
    scope: Scope,
    *,
    audience: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    paths: dict[int, str] | None = None,
) -> Report:
    """Figures of `nodes`; `paths` (unit id → path) when the caller has the units at hand."""
    audiences = [audience] if audience else AUDIENCES
    start, end = start or FAR_PAST, end or FAR_FUTURE
    wanted = {u for u, _g, _k in nodes}
    if paths is None or not wanted <= paths.keys():
        paths = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "path"))
    sums = _counter_sums(nodes, paths, scope, audiences, start, end)
    targets = _targets(nodes, paths, scope, audiences)
    rep = Report()
    for key in sums.keys() | targets.keys():
        f = Figures()
        f += sums.get(key, Figures())
        t = targets.get(key)
        if t is not None:
            f.target, f.course_target = t.target, t.course_target
        rep.by_node.setdefault(key[:3], {})[key[3]] = f
    return rep


def trend(node: NodeKey, scope: Scope, *, audience: str | None = None, start: dt.date | None = None,
          end: dt.date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Learning time, new participants and completions per day (cells + pending deltas)."""
    paths = dict(Unit.objects.filter(pk=node[0]).values_list("pk", "path"))
    audiences = [audience] if audience else AUDIENCES
    totals = {name: Total(name) for name in ("learning_ms", "participants", "completions")}
    rows = TRAINING.read([node], paths, where=_scope_where(scope, audiences), ranges={"day": (start, end)},
                         group=("day",), totals=totals)  # fmt: skip
    by_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(totals, 0))
    for (*_node, day), sums in rows.items():
        for name, value in sums.items():
            by_day[day][name] += value
    return [
        {
            "day": day.isoformat(),
            "learning_s": sums["learning_ms"] / 1000,
            "new_participants": sums["participants"],
            "completions": sums["completions"],
        }
        for day, sums in sorted(by_day.items())
    ]


def unit_node(unit: Unit) -> NodeKey:
    return (unit.pk, 0, 0)


def node_of_unit(unit: Unit) -> Node:
    return Node(unit.pk, unit.path)
