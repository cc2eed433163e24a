"""Imported classes and an import batch with login credentials, made through the import service."""

from __future__ import annotations

from typing import Any

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster.importing import (
    ImportOutcome,
    apply_students,
    check_students_file,
    encrypt_credentials,
    file_digest,
)
from safecampus.roster.models import ImportBatch, ImportKind, ImportStatus, Student

from .factories import csv_bytes, student_rows


def import_batch(school: Unit, actor: Any, rows: list[list[str]]) -> tuple[ImportBatch, ImportOutcome]:
    """Import a students-with-parents file and keep its batch with the encrypted credentials."""
    data = csv_bytes(rows, "utf-8")
    plan = check_students_file(school, data, actor=actor, school_year=2026)
    assert plan.ok, plan.errors
    outcome = apply_students(plan, actor=actor, data=data, file_name="students.csv")
    batch = ImportBatch(
        kind=ImportKind.STUDENTS,
        status=ImportStatus.APPLIED,
        file_name="students.csv",
        file_sha256=file_digest(data),
        school_year=2026,
        created_by=actor,
        credentials_enc=encrypt_credentials(outcome.credentials),
        total_rows=len(rows),
        done_rows=len(rows),
    )
    batch.set_unit(school)
    batch.save()
    return batch, outcome


def ensure_k1_roster() -> None:
    """demo-c1-k1-s1 has students and an import batch (for the tenancy walk)."""
    school = Unit.objects.get(code="demo-c1-k1-s1")
    if ImportBatch.objects.filter(unit=school).exists() and Student.objects.filter(unit=school).exists():
        return
    rows = student_rows(4, grade="三年级", classes=2, seed=71, region="370211", phone_base=13700071000)
    import_batch(school, User.objects.get(username="demo_principal"), rows)


def k1_student_id() -> int:
    return Student.objects.filter(unit__code="demo-c1-k1-s1").order_by("pk").values_list("pk", flat=True)[0]


def k1_batch_id() -> int:
    return (
        ImportBatch.objects.filter(unit__code="demo-c1-k1-s1").order_by("pk").values_list("pk", flat=True)[0]
    )
