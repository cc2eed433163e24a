"""Facts for the roll-up tests: hazards in three counties, learning at demo-c1-k1-s1."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.rollups import registered
from safecampus.hazards import services
from safecampus.training.heartbeats import BeatIn, record_heartbeats

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def report_hazard(code: str, category: str = "fire") -> None:
    data = {
        "category": category,
        "grade": "general",
        "source": "patrol",
        "location": "操场",
        "description": "坑洼",
    }
    services.report(unit(code), actor=User.objects.get(username="demo_operator"), data=data)


def watch(user: User, lesson, seconds: int) -> None:
    beats = [BeatIn(f"b{i}", lesson.pk, min(i * 15, seconds), T0 + dt.timedelta(seconds=i * 15))
             for i in range(seconds // 15 + 1)]  # fmt: skip
    record_heartbeats(user, beats, now=T0 + dt.timedelta(hours=2))


def cells_of(codes: list[str]) -> dict[str, list[tuple]]:
    """Every cell row (primary key first) of these units' subtrees, per roll-up."""
    ids = [u.pk for code in codes for u in Unit.objects.filter(path__startswith=unit(code).path)]
    out = {}
    for r in registered():
        cols = ", ".join(["id", *r.cell_key, *r.counters])
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {cols} FROM {r.cell._meta.db_table} WHERE unit_id IN ({marks}) ORDER BY id", ids
            )
            out[r.name] = [tuple(map(str, row)) for row in cursor.fetchall()]
    return out


def corrupt(rollup_name: str, code: str) -> None:
    """Change one cell of the unit by hand, as an operator with SQL would."""
    r = next(r for r in registered() if r.name == rollup_name)
    counter = r.counters[0]
    table = r.cell._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {counter} = {counter} + 7 WHERE id = "
            f"(SELECT MIN(id) FROM {table} WHERE unit_id = %s AND {counter} <> 0)",
            [unit(code).pk],
        )
        assert cursor.rowcount == 1
