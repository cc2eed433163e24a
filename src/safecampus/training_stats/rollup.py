"""The training statistics, declared with the core roll-up engine.

`training`: learning time, people, takings, completions and passes per node (unit and every
ancestor; a student's grade and class at their school), campaign, stage, course, audience and
day. Deltas are written by `record.Recorder` with each credited heartbeat, classroom credit or
quiz pass; a course's figures count again for its stage and its campaign (without
`participants`, which are distinct people per scope). The facts recounted are
`training.LearningDay` (time) and `Participation` (people, completions, passes).

`training_targets`: the people each node is responsible for (`targets`), per school year,
audience, school type and grade level, recounted from each unit's own people (`TargetOwn`);
refreshed straight into the cells (no deltas).
"""

from __future__ import annotations

from django.db import connection

from safecampus.core.models import Unit
from safecampus.core.rollups import Rollup, Widen, register
from safecampus.training.models import Course
from safecampus.training.progress_models import LearningDay

from . import targets
from .models import COUNTER_FIELDS, Participation, StatCell, StatDelta, TargetCell, TargetOwn


def _t(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def ms_sql(column: str) -> str:
    """Whole milliseconds of a column of seconds, rounded as `nodes.to_ms` rounds them."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({column} * 1000 + 0.5) AS BIGINT)"
    return f"CAST({column} * 1000 + 0.5 AS INTEGER)"  # credited time is never negative


NODE = "unit_path, unit_id, grade_id, class_id"
SCOPE = "campaign_id, stage_id, course_id, audience"


def facts(under: str | None) -> list[tuple[str, list[str]]]:
    """Credited time per learning day; first engagement, completion and pass per participation."""
    like = [(under or "") + "%"]
    ld, course, part = _t(LearningDay), _t(Course), _t(Participation)
    learning = (
        "SELECT f.unit_path AS unit_path, f.unit_id AS unit_id, f.grade_id AS grade_id,"
        " f.class_id AS class_id, c.campaign_id AS campaign_id, COALESCE(c.stage_id, 0) AS stage_id,"
        f" c.id AS course_id, f.audience AS audience, f.day AS day, {ms_sql('f.credited_s')} AS learning_ms,"
        " 0 AS participants, 0 AS takings, 0 AS completions, 0 AS passes"
        f" FROM {ld} f JOIN {course} c ON c.id = f.course_id WHERE f.unit_path LIKE %s"
    )
    counts = "0 AS learning_ms, {} AS participants, {} AS takings, {} AS completions, {} AS passes"
    took = "CASE WHEN course_id <> 0 THEN 1 ELSE 0 END"
    people = [
        ("first_day", counts.format(1, took, 0, 0), ""),
        ("completed_day", counts.format(0, 0, 1, 0), " AND completed_day IS NOT NULL"),
        ("passed_day", counts.format(0, 0, 0, 1), " AND passed_day IS NOT NULL"),
    ]
    sources = [(learning, like)]
    for day, values, cond in people:
        sql = f"SELECT {NODE}, {SCOPE}, {day} AS day, {values} FROM {part} WHERE unit_path LIKE %s{cond}"
        sources.append((sql, like))
    return sources


def target_facts(under: str | None) -> list[tuple[str, list[str]]]:
    """Each unit's own people (`TargetOwn`), at the unit's current path."""
    sql = (
        "SELECT u.path AS unit_path, o.unit_id AS unit_id, o.grade_id AS grade_id, o.class_id AS class_id,"
        " o.school_year AS school_year, o.audience AS audience, o.school_type AS school_type,"
        f" o.grade_level AS grade_level, o.people AS people FROM {_t(TargetOwn)} o"
        f" JOIN {_t(Unit)} u ON u.id = o.unit_id WHERE u.path LIKE %s"
    )
    return [(sql, [(under or "") + "%"])]


TRAINING = register(
    Rollup(
        name="training",
        label="training statistics",
        cell=StatCell,
        delta=StatDelta,
        classes=True,
        keys=("campaign_id", "stage_id", "course_id", "audience", "day"),
        counters=tuple(COUNTER_FIELDS),
        widen=(
            Widen(when=("course_id",), reset=("stage_id", "course_id"), drop=("participants",)),
            Widen(when=("course_id", "stage_id"), reset=("course_id",), drop=("participants",)),
        ),
        facts=facts,
    )
)

TARGETS = register(
    Rollup(
        name="training_targets",
        label="training targets",
        cell=TargetCell,
        classes=True,
        keys=("school_year", "audience", "school_type", "grade_level"),
        counters=("people",),
        facts=target_facts,
        check=targets.own_drift,
        refresh=targets.refresh_under,
    )
)


def apply_pending(batch: int = 5000) -> int:
    """Fold every pending delta into the cells; returns how many were folded."""
    return TRAINING.fold(batch)
