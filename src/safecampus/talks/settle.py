"""The daily settlement of due 1530 talks: for a day, every class of every school whose
calendar says a talk is due gets a `TalkDue` row (the roll-up's `due` facts) and its cells are
counted — once: a second run finds the rows and adds nothing (`INSERT … ON CONFLICT DO NOTHING
RETURNING` counts only rows it inserted, so a talk recorded meanwhile is not counted twice).

Schools are read in chunks of 2,000 with their calendars (`schoolcal.calendars_for`: schools of
one region share one calendar object, so the due kind is computed once per calendar) and the
minimum minutes of their policy (one per distinct chain of unit-level policy versions); each
chunk is one transaction (facts and cells). On PostgreSQL one statement per chunk and kind of
talk inserts the due rows and adds them to the cells in the database (`_settle_pg`, through
the engine's `core.rollups.bulk.add_from_sql`); elsewhere the rows are inserted and counted
through the engine (`fold.add_now`).
Scheduled in `talks.tasks`: every evening after dismissal, and a catch-up of the past week.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

from safecampus.core.models import PolicyVersion, Unit, UnitKind
from safecampus.core.months import month_key
from safecampus.core.policy import policy_for
from safecampus.core.rollups import ancestor_paths
from safecampus.core.rollups.bulk import add_from_sql
from safecampus.core.rollups.fold import lock
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import Grade, SchoolClass
from safecampus.schoolcal.calendar import calendars_for

from . import counting, due
from .models import TalkDue

CHUNK = 2000
INSERT_ROWS = 1000
BULK_ROWS = 50_000

Row = tuple[int, str, int, int, int]  # unit_id, unit_path, grade_id, class_id, month


def insert_due(day: dt.date, rows: Sequence[tuple[int, str, int, int, str, int]]) -> list[Row]:
    """Insert due class-days (unit_id, unit_path, grade_id, class_id, kind, minutes) for `day`,
    skipping those already there; returns the rows inserted."""
    if connection.vendor == "postgresql":
        return _insert_due_pg(day, rows)
    qn = connection.ops.quote_name
    table = qn(TalkDue._meta.db_table)
    cols = ("unit_id", "unit_path", "grade_id", "class_id", "date", "month", "kind", "minutes")
    day_value = connection.ops.adapt_datefield_value(day)
    month = month_key(day)
    out: list[Row] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_ROWS):
            chunk = rows[start : start + INSERT_ROWS]
            marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for u, p, g, k, kind, minutes in chunk:
                params += [u, p, g, k, day_value, month, kind, minutes]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES {marks}"
                " ON CONFLICT (class_id, date) DO NOTHING RETURNING unit_id, unit_path, grade_id, class_id",
                params,
            )
            out += [(int(u), p, int(g), int(k), month) for u, p, g, k in cursor.fetchall()]
    return out


def _insert_due_pg(day: dt.date, rows: Sequence[tuple[int, str, int, int, str, int]]) -> list[Row]:
    """`insert_due` on PostgreSQL: one statement of arrays per 50,000 rows (a VALUES list of
    placeholders costs the driver more to prepare than the database to insert)."""
    table = connection.ops.quote_name(TalkDue._meta.db_table)
    month = month_key(day)
    out: list[Row] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_ROWS):
            chunk = rows[start : start + BULK_ROWS]
            columns = [list(c) for c in zip(*chunk, strict=True)]
            cursor.execute(
                f"INSERT INTO {table} (unit_id, unit_path, grade_id, class_id, date, month, kind, minutes)"
                " SELECT u, p, g, k, %s::date, %s, kd, mi FROM unnest(%s::int[], %s::text[], %s::int[],"
                " %s::int[], %s::text[], %s::int[]) AS t(u, p, g, k, kd, mi)"
                " ON CONFLICT (class_id, date) DO NOTHING RETURNING unit_id, unit_path, grade_id, class_id",
                [day, month, *columns],
            )
            out += [(int(u), p, int(g), int(k), month) for u, p, g, k in cursor.fetchall()]
    return out


def add_due_cells(rows: Sequence[Row]) -> None:
    """Count newly due class-days in the cells, in the caller's transaction, through the
    engine (`counting.due_added_now`: its fan-out to class, grade, school and every ancestor)."""
    counting.due_added_now(rows)


def _minutes_by_policy(schools: Iterable[Unit], day: dt.date) -> dict[int, dict[str, int]]:
    """Each school's minimum minutes per kind. Schools whose chains hold the same unit-level
    policy versions share one policy (one `policy_for` per distinct chain, not per school)."""
    own = set(
        PolicyVersion.objects.filter(unit__isnull=False, effective_from__lte=day)
        .values_list("unit__path", flat=True)
        .distinct()
    )
    cache: dict[tuple[str, ...], dict[str, int]] = {}
    out: dict[int, dict[str, int]] = {}
    for s in schools:
        key = tuple(p for p in ancestor_paths(s.path) if p in own)
        if key not in cache:
            policy = policy_for(s, day)
            cache[key] = {k: due.minimum(policy, k) for k in due.DEFAULT_MINUTES}
        out[s.pk] = cache[key]
    return out


def settle_schools(schools: Sequence[Unit], day: dt.date) -> int:
    """Settle `day` for these schools (one transaction); returns the class-days newly due."""
    calendars = calendars_for(schools, on=day)
    kinds: dict[int, str | None] = {}
    by_calendar: dict[int, str | None] = {}
    for s in schools:
        cal = calendars[s.pk]
        key = id(getattr(cal, "_days", cal))  # schools sharing a calendar share its days
        if key not in by_calendar:
            by_calendar[key] = due.kind_on(cal, day)
        kinds[s.pk] = by_calendar[key]
    due_ids = [pk for pk, kind in kinds.items() if kind is not None]
    if not due_ids:
        return 0
    minutes = _minutes_by_policy([s for s in schools if s.pk in set(due_ids)], day)
    year = current_school_year(day)
    if connection.vendor == "postgresql":
        groups: dict[tuple[str, int], list[int]] = defaultdict(list)
        for pk in due_ids:
            groups[(str(kinds[pk]), minutes[pk][str(kinds[pk])])].append(pk)
        with transaction.atomic():
            lock(counting.TALKS)
            return sum(_settle_pg(day, year, kind, mins, ids) for (kind, mins), ids in sorted(groups.items()))
    with transaction.atomic():
        done = set(TalkDue.objects.filter(unit_id__in=due_ids, date=day).values_list("class_id", flat=True))
        classes = (
            SchoolClass.objects.filter(unit_id__in=due_ids, grade__school_year=year)
            .values_list("pk", "unit_id", "unit_path", "grade_id")
            .order_by("pk")
        )
        rows = [
            (u, p, g, k, kinds[u], minutes[u][kinds[u]]) for k, u, p, g in classes.iterator(chunk_size=5000)
            if k not in done
        ]  # fmt: skip
        if not rows:
            return 0
        inserted = insert_due(day, rows)
        add_due_cells(inserted)
    return len(inserted)


def _settle_pg(day: dt.date, year: int, kind: str, minutes: int, school_ids: list[int]) -> int:
    """PostgreSQL: one statement inserts the due class-days of these schools (their classes of
    the school year, those not due already) and the engine adds them to the cells in the same
    statement (`core.rollups.bulk.add_from_sql`). Returns the class-days inserted."""
    qn = connection.ops.quote_name
    due_t = qn(TalkDue._meta.db_table)
    class_t, grade_t = qn(SchoolClass._meta.db_table), qn(Grade._meta.db_table)
    source = f"""
      INSERT INTO {due_t} (unit_id, unit_path, grade_id, class_id, date, month, kind, minutes)
      SELECT c.unit_id, c.unit_path, c.grade_id, c.id, %s::date, %s, %s, %s
      FROM {class_t} c JOIN {grade_t} g ON g.id = c.grade_id
      WHERE c.unit_id = ANY(%s::int[]) AND g.school_year = %s ORDER BY c.id
      ON CONFLICT (class_id, date) DO NOTHING
      RETURNING unit_path, unit_id, grade_id, class_id, month, 1 AS due, 0 AS done, 0 AS on_day"""
    return add_from_sql(counting.TALKS, source, [day, month_key(day), kind, minutes, school_ids, year])


def settle(day: dt.date, *, under: Unit | None = None) -> int:
    """Settle `day` for every active school (under `under`); returns the class-days newly due."""
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).order_by("path")
    if under is not None:
        schools = schools.filter(path__startswith=under.path)
    total = 0
    batch: list[Unit] = []
    for school in schools.iterator(chunk_size=CHUNK):
        batch.append(school)
        if len(batch) >= CHUNK:
            total += settle_schools(batch, day)
            batch = []
    if batch:
        total += settle_schools(batch, day)
    return total


def settle_range(start: dt.date, end: dt.date, *, under: Unit | None = None) -> int:
    """Settle every day from `start` to `end` (inclusive): the catch-up."""
    total, day = 0, start
    while day <= end:
        total += settle(day, under=under)
        day += dt.timedelta(days=1)
    return total
