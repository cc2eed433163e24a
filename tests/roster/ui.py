"""Helpers for the roster page tests: roster data made through the import services."""

from __future__ import annotations

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster import batches
from safecampus.roster.models import ImportBatch, ImportKind

from .factories import csv_bytes, xlsx_bytes

STAFF_HEADERS = ["姓名", "性别", "手机", "身份证号", "岗位", "任教年级", "班主任班级"]


def import_file(
    school: Unit, actor: User, data: bytes, *, kind: str = ImportKind.STUDENTS, name: str = "名单.csv"
) -> ImportBatch:
    """Upload, confirm and apply a file the way the pages do; the job runs at once."""
    batch = batches.create_batch(school, actor=actor, kind=kind, data=data, file_name=name)
    assert batch.result["error_count"] == 0, batch.result["errors"]
    batches.start_apply(batch, actor=actor, confirm_new_classes=True)
    batches.run_apply(batch.pk, actor.pk)  # what the Huey task does once the transaction commits
    batch.refresh_from_db()
    return batch


def import_students(school: Unit, actor: User, rows: list[list[str]]) -> ImportBatch:
    return import_file(school, actor, csv_bytes(rows))


def import_staff(school: Unit, actor: User, rows: list[list[str]]) -> ImportBatch:
    return import_file(
        school, actor, xlsx_bytes(rows, headers=STAFF_HEADERS), kind=ImportKind.STAFF, name="教职工.xlsx"
    )
