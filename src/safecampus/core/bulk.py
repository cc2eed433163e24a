"""Fast inserts for bulk imports: one prepared INSERT run with `executemany`.

Django's `bulk_create` compiles SQL for every value of every row, which dominates a 50,000-row
roster import. `insert_many` prepares values exactly as `bulk_create` does (`pre_save` fills
auto_now fields, `get_db_prep_save` converts) but sends one statement many times. It sets no
ids on the objects: `insert_and_fetch_ids` reads them back by a unique column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

BATCH = 2000


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    if not objs:
        return
    conn = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.local_concrete_fields if not (f.primary_key and f.auto_created)]
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {conn.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields] for obj in objs]
    with conn.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def insert_and_fetch_ids(model: type[models.Model], objs: Sequence[models.Model], key: str) -> None:
    """Insert, then set each object's id by its unique `key` attribute (one query per batch)."""
    insert_many(model, objs)
    attname = model._meta.get_field(key).attname
    keys: list[Any] = [getattr(o, attname) for o in objs]
    ids: dict[Any, int] = {}
    for start in range(0, len(keys), BATCH):
        ids.update(
            model._base_manager.filter(**{f"{attname}__in": keys[start : start + BATCH]}).values_list(
                attname, "pk"
            )
        )
    for obj, k in zip(objs, keys, strict=True):
        obj.pk = ids[k]
        obj._state.adding = False
