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
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from safecampus.core.models import Unit
from safecampus.core.scoping import scope_sql
from safecampus.training.models import Audience, Campaign, ContentStatus, Course, Stage, student_fits

from .models import COUNTER_FIELDS, NO_GRADE, StatCell, StatDelta, TargetCell
from .nodes import Node, unit_ids_by_path
from .rollup import fan_out, paths_of

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
            participation_rate=_round(self.participation_rate),
            pass_rate=_round(self.pass_rate),
            completion_rate=_round(self.completion_rate),
        )
        return data


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


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


def _node_q(nodes: list[NodeKey]) -> Q:
    q = Q(pk__in=[])
    units = [u for u, g, k in nodes if not g and not k]
    if units:
        q |= Q(unit_id__in=units, grade_id=0, class_id=0)
    for u, g, k in nodes:
        if g or k:
            q |= Q(unit_id=u, grade_id=g, class_id=k)
    return q


def _node_sql(nodes: list[NodeKey]) -> tuple[str, list[int]]:
    """`_node_q` as SQL (the statistics' hottest query is written out once, not compiled)."""
    units = sorted({u for u, g, k in nodes if not g and not k})
    parts, params = [], []
    if units:
        parts.append(f"(grade_id = 0 AND class_id = 0 AND unit_id IN ({', '.join(['%s'] * len(units))}))")
        params += units
    for u, g, k in sorted({n for n in nodes if n[1] or n[2]}):
        parts.append("(unit_id = %s AND grade_id = %s AND class_id = %s)")
        params += [u, g, k]
    return " OR ".join(parts), params


def _counter_sums(
    nodes: list[NodeKey],
    paths: dict[int, str],
    scope: Scope,
    audiences: list[str],
    start: dt.date,
    end: dt.date,
) -> dict:
    campaign_id, stage_id, course_id = scope.key
    where, params = _node_sql(nodes)
    if not where:
        return defaultdict(Figures)
    marks = ", ".join(["%s"] * len(audiences))
    table = StatCell._meta.db_table
    scope_sql = f"campaign_id = %s AND stage_id = %s AND course_id = %s AND audience IN ({marks})"
    # fixed identifiers; every value bound
    sql = (
        "SELECT unit_id, grade_id, class_id, audience,"  # noqa: S608
        " SUM(CASE WHEN day <= %s THEN participants ELSE 0 END),"
        " SUM(CASE WHEN day >= %s AND day <= %s THEN participants ELSE 0 END),"
        " SUM(CASE WHEN day >= %s AND day <= %s THEN learning_ms ELSE 0 END),"
        " SUM(CASE WHEN day <= %s THEN takings ELSE 0 END),"
        " SUM(CASE WHEN day <= %s THEN completions ELSE 0 END),"
        " SUM(CASE WHEN day <= %s THEN passes ELSE 0 END)"
        f" FROM {table} WHERE ({where}) AND {scope_sql}"
        " GROUP BY unit_id, grade_id, class_id, audience"
    )
    day = connection.ops.adapt_datefield_value
    bounds = [day(end), day(start), day(end), day(start), day(end), day(end), day(end), day(end)]
    out: dict = defaultdict(Figures)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bounds, *params, campaign_id, stage_id, course_id, *audiences])
        for u, g, k, audience, *sums in cursor.fetchall():
            f = out[(u, g, k, audience)]
            for name, value in zip(COUNTERS, sums, strict=True):
                setattr(f, name, getattr(f, name) + int(value or 0))
    _add_pending(out, nodes, paths, scope, audiences, start, end)
    return out


DELTA_COLUMNS = ("unit_id", "unit_path", "grade_id", "class_id", "campaign_id", "stage_id", "course_id",
                 "audience", "day", *COUNTER_FIELDS)  # fmt: skip


def _pending_deltas(paths: list[str], campaign_id: int, audiences: list[str]) -> list[SimpleNamespace]:
    """Deltas under these paths (the reading path's second query, written out once)."""
    under, like = scope_sql(paths, "unit_path")
    marks = ", ".join(["%s"] * len(audiences))
    sql = f"SELECT {', '.join(DELTA_COLUMNS)} FROM {StatDelta._meta.db_table}"  # noqa: S608 (fixed names)
    sql += f" WHERE ({under}) AND campaign_id = %s AND audience IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*like, campaign_id, *audiences])
        rows = cursor.fetchall()
    out = []
    for row in rows:
        d = SimpleNamespace(**dict(zip(DELTA_COLUMNS, row, strict=True)))
        if isinstance(d.day, str):  # SQLite hands dates back as text
            d.day = dt.date.fromisoformat(d.day)
        out.append(d)
    return out


def _add_pending(
    out: dict,
    nodes: list[NodeKey],
    paths: dict[int, str],
    scope: Scope,
    audiences: list[str],
    start: dt.date,
    end: dt.date,
) -> None:
    """Deltas committed but not yet folded into the cells."""
    if not paths:
        return
    deltas = _pending_deltas(sorted(set(paths.values())), scope.campaign.pk, audiences)
    if not deltas:
        return
    wanted = set(nodes)
    for key, counts in fan_out(deltas, unit_ids_by_path(paths_of(deltas))).items():
        unit_id, grade_id, class_id, campaign_id, stage_id, course_id, audience, day = key
        if (unit_id, grade_id, class_id) not in wanted or (campaign_id, stage_id, course_id) != scope.key:
            continue
        f = out[(unit_id, grade_id, class_id, audience)]
        if day <= end:
            f.participants += counts["participants"]
            f.takings += counts["takings"]
            f.completions += counts["completions"]
            f.passes += counts["passes"]
            if day >= start:
                f.new_participants += counts["participants"]
                f.learning_ms += counts["learning_ms"]


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
    if lookups:
        where, params = _node_sql(sorted(lookups))
        marks = ", ".join(["%s"] * len(audiences))
        sql = "SELECT unit_id, grade_id, class_id, audience, school_type, grade_level, people"
        sql += f" FROM {TargetCell._meta.db_table} WHERE ({where})"
        sql += f" AND school_year = %s AND audience IN ({marks})"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, scope.campaign.school_year, *audiences])
            rows = cursor.fetchall()
        for u, g, k, *rest in rows:
            cells[(u, g, k)].append(rest)
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
    """Learning time, new participants and completions per day (cells; pending deltas are folded
    within seconds and the trend is a picture, not a figure)."""
    campaign_id, stage_id, course_id = scope.key
    qs = StatCell.objects.filter(
        _node_q([node]), campaign_id=campaign_id, stage_id=stage_id, course_id=course_id
    )
    if audience:
        qs = qs.filter(audience=audience)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    rows = qs.values("day").annotate(
        s_learning=Sum("learning_ms"), s_participants=Sum("participants"), s_completions=Sum("completions")
    )
    return [
        {
            "day": r["day"].isoformat(),
            "learning_s": r["s_learning"] / 1000,
            "new_participants": r["s_participants"],
            "completions": r["s_completions"],
        }
        for r in sorted(rows, key=lambda r: r["day"])
    ]


def unit_node(unit: Unit) -> NodeKey:
    return (unit.pk, 0, 0)


def node_of_unit(unit: Unit) -> Node:
    return Node(unit.pk, unit.path)
