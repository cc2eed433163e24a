"""The naive baseline of the statistics benchmark: a unit's figures for a campaign recounted
straight from the facts, the way a platform without roll-ups answers them.

Plain aggregates over the rows under the unit's path prefix: `Participation` (people, takings,
completions, passes), `LearningDay` (learning time) and `Student` / `Membership` (target people),
with the definitions of `safecampus.training_stats.figures` (target = people of the audience fitting at
least one course; course target = Σ over courses of the people fitting it). Meant for the unit
that offers the campaign and its courses (the province root of `bench-data`), all days.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def _ms(column: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({column} * 1000 + 0.5) AS BIGINT)"
    return f"CAST({column} * 1000 + 0.5 AS INTEGER)"


def _fits(course: Any, audience: str, school_type: str, level: int | None) -> bool:
    if audience not in course.audiences:
        return False
    if audience != "student":
        return True
    if course.school_types and school_type not in course.school_types:
        return False
    if level is None:
        return course.grade_min is None and course.grade_max is None
    if course.grade_min is not None and level < course.grade_min:
        return False
    return course.grade_max is None or level <= course.grade_max


def _people(cursor: Any, prefix: str, year: int) -> list[tuple[str, str, int | None, int]]:
    """(audience, school type, grade level, people) of the subtree."""
    from safecampus.training.learner import audience_of_role

    cursor.execute(
        """SELECT u.school_type, g.level, COUNT(*)
             FROM roster_student s JOIN core_unit u ON u.id = s.unit_id
             LEFT JOIN roster_schoolclass k ON k.id = s.school_class_id
             LEFT JOIN roster_grade g ON g.id = k.grade_id
            WHERE s.unit_path LIKE %s AND s.status = 'enrolled' AND u.is_active
              AND (s.school_class_id IS NULL OR g.school_year = %s)
            GROUP BY u.school_type, g.level""",
        [prefix + "%", year],
    )
    out = [("student", st or "", level, n) for st, level, n in cursor.fetchall()]
    cursor.execute(
        """SELECT DISTINCT m.unit_id, m.user_id, m.role
             FROM core_membership m JOIN core_unit u ON u.id = m.unit_id
             JOIN accounts_user us ON us.id = m.user_id
            WHERE u.path LIKE %s AND u.is_active AND m.is_active AND us.is_active AND m.role <> 'student'""",
        [prefix + "%"],
    )
    distinct = {(unit_id, user_id, audience_of_role(role)) for unit_id, user_id, role in cursor.fetchall()}
    per_audience: dict[str, int] = defaultdict(int)
    for _unit, _user, audience in distinct:
        per_audience[audience] += 1
    out += [(audience, "", None, n) for audience, n in per_audience.items()]
    return out


def naive_figures(unit: Any, campaign: Any) -> dict[str, dict[str, int]]:
    """Counters per audience (target, course_target, participants, new_participants,
    learning_ms, takings, completions, passes) of `unit` for `campaign`, over all days."""
    from django.db import connection

    from safecampus.training.models import Course

    prefix = unit.path
    courses = list(Course.objects.filter(campaign=campaign).exclude(status="draft"))
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT f.audience, SUM({_ms("f.credited_s")})
                  FROM training_learningday f JOIN training_course c ON c.id = f.course_id
                 WHERE c.campaign_id = %s AND f.unit_path LIKE %s GROUP BY f.audience""",
            [campaign.pk, prefix + "%"],
        )
        for audience, ms in cursor.fetchall():
            out[audience]["learning_ms"] += int(ms or 0)
        cursor.execute(
            """SELECT audience, course_id <> 0, COUNT(*), COUNT(completed_day), COUNT(passed_day)
                 FROM stats_participation
                WHERE campaign_id = %s AND unit_path LIKE %s AND (course_id <> 0 OR stage_id = 0)
                GROUP BY audience, course_id <> 0""",
            [campaign.pk, prefix + "%"],
        )
        for audience, is_course, n, completed, passed in cursor.fetchall():
            if is_course:
                out[audience].update(takings=n, completions=completed, passes=passed)
            else:
                out[audience].update(participants=n, new_participants=n)
        for audience, school_type, level, n in _people(cursor, prefix, campaign.school_year):
            fitting = [c for c in courses if _fits(c, audience, school_type, level)]
            if fitting:
                out[audience]["target"] += n
            out[audience]["course_target"] += n * len(fitting)
    return {a: dict(v) for a, v in out.items()}
