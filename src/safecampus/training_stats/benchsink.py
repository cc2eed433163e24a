"""Writing many generated rows fast: PostgreSQL COPY, or `bulk_create` elsewhere (small sizes).

Rows are tuples in the order of the given column names (attribute names such as `unit_id`).
Ids are assigned by the caller from `next_id()`; `reset_sequences()` moves the database's
sequences past them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` into `model`'s table; returns how many were written."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in columns)
        n = 0
        sql = f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n
    objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model.objects.bulk_create(objs, batch_size=500)
    return len(objs)


def skip_reference_checks() -> None:
    """Within the current transaction, skip the foreign-key triggers for rows that are consistent
    by construction (PostgreSQL, superuser only; a no-op otherwise)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def reset_sequences(*models_: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
