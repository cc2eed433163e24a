"""Recounting statistics from the facts: reconciliation and rebuilds.

`recount_sql()` computes every cell straight from the facts (`training.LearningDay` for time,
`Participation` for people, completions and passes), expanding ancestors by the prefixes of the
facts' `unit_path` — independent of the incremental path. `reconcile()` compares it with the
stored cells (and the target cells with the units' own people) and reports any drift;
`rebuild()` replaces the cells by the recount (after a unit moves, or a bulk load).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from safecampus.core.models import Unit
from safecampus.training.models import Course
from safecampus.training.progress_models import LearningDay

from . import rollup, targets
from .models import CELL_KEY, COUNTER_FIELDS, Participation, StatCell, StatDelta, TargetCell, TargetOwn
from .nodes import STEP

COLS = "path, uid, g, k, camp, st, co, aud, day, ms, pa, ta, cm, ps"
GROUP_CELLS = """SELECT nu, ng, nk, camp, st, co, aud, day,
       CAST(SUM(ms) AS BIGINT), SUM(pa), SUM(ta), SUM(cm), SUM(ps)
  FROM nodes GROUP BY nu, ng, nk, camp, st, co, aud, day
  HAVING SUM(ms) <> 0 OR SUM(pa) <> 0 OR SUM(ta) <> 0 OR SUM(cm) <> 0 OR SUM(ps) <> 0
"""


def _t(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def ms_sql(column: str) -> str:
    """Whole milliseconds of a column of seconds, rounded as `nodes.to_ms` rounds them."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({column} * 1000 + 0.5) AS BIGINT)"
    return f"CAST({column} * 1000 + 0.5 AS INTEGER)"  # credited time is never negative


def _facts_sql() -> str:
    ld, course, part = _t(LearningDay), _t(Course), _t(Participation)
    ms = ms_sql("f.credited_s")
    learning = (
        f"SELECT f.unit_path, f.unit_id, f.grade_id, f.class_id, c.campaign_id, COALESCE(c.stage_id, 0), "
        f"c.id, f.audience, f.day, {ms}, 0, 0, 0, 0 FROM {ld} f JOIN {course} c ON c.id = f.course_id"
    )
    cols = "unit_path, unit_id, grade_id, class_id, campaign_id, stage_id, course_id, audience"
    base = "SELECT " + ", ".join(f"p.{c}" for c in cols.split(", "))
    return " UNION ALL ".join(
        [
            learning,
            f"{base}, p.first_day, 0, 1, CASE WHEN p.course_id <> 0 THEN 1 ELSE 0 END, 0, 0 FROM {part} p",
            f"{base}, p.completed_day, 0, 0, 0, 1, 0 FROM {part} p WHERE p.completed_day IS NOT NULL",
            f"{base}, p.passed_day, 0, 0, 0, 0, 1 FROM {part} p WHERE p.passed_day IS NOT NULL",
        ]
    )


def recount_sql(campaign_id: int | None = None) -> str:
    """SELECT of every non-empty cell recounted from the facts (columns in CELL_KEY + counters)."""
    depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 1
    depths = ", ".join(f"({i})" for i in range(1, depth + 1))
    unit = _t(Unit)
    where = f"WHERE camp = {int(campaign_id)}" if campaign_id else ""
    return f"""
WITH f({COLS}) AS ({_facts_sql()}),
s({COLS}) AS (
  SELECT {COLS} FROM f {where}
  UNION ALL SELECT path, uid, g, k, camp, 0, 0, aud, day, ms, 0, ta, cm, ps FROM f
    WHERE co <> 0 {where.replace("WHERE", "AND")}
  UNION ALL SELECT path, uid, g, k, camp, st, 0, aud, day, ms, 0, ta, cm, ps FROM f
    WHERE co <> 0 AND st <> 0 {where.replace("WHERE", "AND")}
),
dd(n) AS (VALUES {depths}),
nodes(nu, ng, nk, camp, st, co, aud, day, ms, pa, ta, cm, ps) AS (
  SELECT u.id, 0, 0, camp, st, co, aud, day, ms, pa, ta, cm, ps
    FROM s JOIN dd ON dd.n * {STEP} <= LENGTH(s.path)
    JOIN {unit} u ON u.path = SUBSTR(s.path, 1, dd.n * {STEP})
  UNION ALL SELECT uid, g, 0, camp, st, co, aud, day, ms, pa, ta, cm, ps FROM s WHERE g <> 0
  UNION ALL SELECT uid, g, k, camp, st, co, aud, day, ms, pa, ta, cm, ps FROM s WHERE k <> 0
)
{GROUP_CELLS}"""


def _stored_cells_sql() -> str:
    cols = ", ".join(CELL_KEY + COUNTER_FIELDS)
    nonzero = " OR ".join(f"{f} <> 0" for f in COUNTER_FIELDS)
    return f"SELECT {cols} FROM {_t(StatCell)} WHERE {nonzero}"


def _target_recount_sql() -> str:
    depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 1
    depths = ", ".join(f"({i})" for i in range(1, depth + 1))
    own, unit = _t(TargetOwn), _t(Unit)
    rest = "o.school_year, o.audience, o.school_type, o.grade_level"
    return f"""
WITH dd(n) AS (VALUES {depths}),
x(nu, ng, nk, school_year, audience, school_type, grade_level, people) AS (
  SELECT a.id, 0, 0, {rest}, o.people FROM {own} o JOIN {unit} u ON u.id = o.unit_id
    JOIN dd ON dd.n * {STEP} <= LENGTH(u.path) JOIN {unit} a ON a.path = SUBSTR(u.path, 1, dd.n * {STEP})
  UNION ALL SELECT o.unit_id, o.grade_id, 0, {rest}, o.people FROM {own} o WHERE o.grade_id <> 0
  UNION ALL SELECT o.unit_id, o.grade_id, o.class_id, {rest}, o.people FROM {own} o WHERE o.class_id <> 0
)
SELECT nu, ng, nk, school_year, audience, school_type, grade_level, SUM(people)
  FROM x GROUP BY nu, ng, nk, school_year, audience, school_type, grade_level HAVING SUM(people) <> 0
"""


def _stored_targets_sql() -> str:
    return (
        "SELECT unit_id, grade_id, class_id, school_year, audience, school_type, grade_level, people "
        f"FROM {_t(TargetCell)} WHERE people <> 0"
    )


@dataclass
class Drift:
    cells_missing: int = 0  # in the recount, not (or not so) in the cells
    cells_extra: int = 0  # in the cells, not in the recount
    targets_missing: int = 0
    targets_extra: int = 0
    own_units: list[int] = field(default_factory=list)  # units whose own people changed unseen
    samples: list[tuple] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.cells_missing
            or self.cells_extra
            or self.targets_missing
            or self.targets_extra
            or self.own_units
        )

    def as_dict(self) -> dict:
        return {
            "clean": self.clean,
            "cells_missing": self.cells_missing,
            "cells_extra": self.cells_extra,
            "targets_missing": self.targets_missing,
            "targets_extra": self.targets_extra,
            "own_units": self.own_units,
            "samples": [list(map(str, s)) for s in self.samples],
        }


def _except(cursor: Any, a: str, b: str, samples: list) -> int:
    diff = f"SELECT * FROM ({a}) a EXCEPT SELECT * FROM ({b}) b"
    cursor.execute(f"SELECT COUNT(*) FROM ({diff}) d")
    n = cursor.fetchone()[0]
    if n and len(samples) < 10:
        cursor.execute(f"SELECT * FROM ({diff}) d LIMIT 5")
        samples.extend(cursor.fetchall())
    return n


def _own_drift() -> list[int]:
    """Units whose stored own people differ from a recount (a roster change that was missed)."""
    out = []
    for unit in Unit.objects.all():
        year = targets.live_year(unit)
        stored = {
            tuple(
                getattr(r, f)
                for f in (
                    "unit_id",
                    "grade_id",
                    "class_id",
                    "school_year",
                    "audience",
                    "school_type",
                    "grade_level",
                )
            ): r.people
            for r in TargetOwn.objects.filter(unit_id=unit.pk, school_year=year).exclude(people=0)
        }
        if stored != targets.own_people(unit, year):
            out.append(unit.pk)
    return out


def reconcile(*, own: bool = True) -> Drift:
    """Fold pending deltas, then compare every stored cell and target with a recount."""
    rollup.apply_pending()
    drift = Drift()
    recount, stored = recount_sql(), _stored_cells_sql()
    with connection.cursor() as cursor:
        drift.cells_missing = _except(cursor, recount, stored, drift.samples)
        drift.cells_extra = _except(cursor, stored, recount, drift.samples)
        t_recount, t_stored = _target_recount_sql(), _stored_targets_sql()
        drift.targets_missing = _except(cursor, t_recount, t_stored, drift.samples)
        drift.targets_extra = _except(cursor, t_stored, t_recount, drift.samples)
    if own:
        drift.own_units = _own_drift()
    return drift


SUMS = "SUM(ms), SUM(pa), SUM(ta), SUM(cm), SUM(ps)"


def cells_sql() -> str:
    """The cells of `recount_sql()`, with the facts summed per class and unit before they are
    fanned out to the ancestors (a million learners' facts would otherwise fan out to some 70
    million rows). A second formulation of the same sums: `rebuild()` writes it, `reconcile()`
    compares it with the plain recount."""
    depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 1
    depths = ", ".join(f"({i})" for i in range(1, depth + 1))
    key = "path, uid, g, k, camp, st, co, aud, day"
    return f"""
WITH f({COLS}) AS ({_facts_sql()}),
a({COLS}) AS (SELECT {key}, {SUMS} FROM f GROUP BY {key}),
s({COLS}) AS (
  SELECT {COLS} FROM a
  UNION ALL SELECT path, uid, g, k, camp, 0, 0, aud, day, ms, 0, ta, cm, ps FROM a WHERE co <> 0
  UNION ALL SELECT path, uid, g, k, camp, st, 0, aud, day, ms, 0, ta, cm, ps FROM a WHERE co <> 0 AND st <> 0
),
c({COLS}) AS (SELECT {key}, {SUMS} FROM s GROUP BY {key}),
u(path, uid, camp, st, co, aud, day, ms, pa, ta, cm, ps) AS (
  SELECT path, uid, camp, st, co, aud, day, {SUMS} FROM c GROUP BY path, uid, camp, st, co, aud, day
),
dd(n) AS (VALUES {depths}),
nodes(nu, ng, nk, camp, st, co, aud, day, ms, pa, ta, cm, ps) AS (
  SELECT x.id, 0, 0, camp, st, co, aud, day, ms, pa, ta, cm, ps
    FROM u JOIN dd ON dd.n * {STEP} <= LENGTH(u.path)
    JOIN {_t(Unit)} x ON x.path = SUBSTR(u.path, 1, dd.n * {STEP})
  UNION ALL SELECT uid, g, 0, camp, st, co, aud, day, ms, pa, ta, cm, ps FROM c WHERE g <> 0
  UNION ALL SELECT uid, g, k, camp, st, co, aud, day, ms, pa, ta, cm, ps FROM c WHERE k <> 0
)
{GROUP_CELLS}"""


@transaction.atomic
def rebuild() -> None:
    """Replace every cell and target cell by the recount from the facts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"LOCK TABLE {_t(StatDelta)} IN EXCLUSIVE MODE")
    cols = ", ".join(CELL_KEY + COUNTER_FIELDS)
    tcols = "unit_id, grade_id, class_id, school_year, audience, school_type, grade_level, people"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_t(StatDelta)}")
        cursor.execute(f"DELETE FROM {_t(StatCell)}")
        cursor.execute(f"INSERT INTO {_t(StatCell)} ({cols}) {cells_sql()}")
        cursor.execute(f"DELETE FROM {_t(TargetCell)}")
        cursor.execute(f"INSERT INTO {_t(TargetCell)} ({tcols}) {_target_recount_sql()}")
