"""A roster for the API tests: demo-c1-k1-s1 (a primary school) with two classes of 三年级, imported
through the import service; demo_teacher heads class 1; one parent has two children in class 1.
The sibling county's school demo-c1-k2-s1 has its own students, so the outsider's lists are not
empty by accident."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from safecampus.accounts.models import User
from safecampus.core import crypto
from safecampus.core.models import AuditEvent, Unit
from safecampus.roster import services
from safecampus.roster.models import Grade, Guardian, SchoolClass, StaffPost, Student
from safecampus.roster.runner import run_import_bytes

from .factories import csv_bytes, student_rows

API = "/api/v1/roster"


@dataclass
class Roster:
    school: Unit
    class1: SchoolClass
    class2: SchoolClass
    parent: User  # two children, both in class 1
    rows: list[list[str]]

    def students(self, klass: SchoolClass) -> list[Student]:
        return list(Student.objects.filter(school_class=klass).order_by("id"))

    @property
    def children(self) -> list[Student]:
        return list(Student.objects.filter(guardians__parent=self.parent).order_by("id"))


def roster_rows() -> list[list[str]]:
    rows = student_rows(6, grade="三年级", classes=2, seed=5, year=2017, phone_base=13700000000)
    rows[2][6], rows[2][7] = rows[0][6], rows[0][7]  # one parent, two children (rows 0 and 2: class 1)
    for i, row in enumerate(rows):
        row[5] = f"K1S1{i:04d}"  # student numbers unlike the ID cards
    return rows


def import_students(school: Unit, rows: list[list[str]], actor: User) -> dict:
    result = run_import_bytes(school, csv_bytes(rows), kind="students", dry_run=False, actor=actor)
    assert result["ok"], result
    return result


@pytest.fixture(name="roster")
def roster_fixture(school, sibling_school, school_admin, head_teacher, outsider_principal) -> Roster:
    rows = roster_rows()
    import_students(school, rows, school_admin)
    grade = Grade.objects.get(unit=school, level=3)
    class1, class2 = SchoolClass.objects.filter(grade=grade).order_by("number")
    services.update_class(class1, actor=school_admin, head_teacher_id=head_teacher.pk)
    other = student_rows(
        3, grade="三年级", classes=1, seed=9, year=2017, phone_base=13600000000, region="370203"
    )
    import_students(sibling_school, other, outsider_principal)
    parent = User.objects.get(phone_hash=crypto.lookup_hash(rows[0][7]))
    class1.refresh_from_db()
    return Roster(school=school, class1=class1, class2=class2, parent=parent, rows=rows)


def post_json(client: Client, url: str, data: object):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch_json(client: Client, url: str, data: object):
    return client.patch(url, json.dumps(data), content_type="application/json")


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body.get("detail"), body
    return body


def snapshot() -> tuple[int, ...]:
    """Counts that must not move when a write is refused."""
    return (
        Student.objects.count(),
        User.objects.count(),
        Guardian.objects.count(),
        StaffPost.objects.count(),
        SchoolClass.objects.count(),
        Grade.objects.count(),
        AuditEvent.objects.count(),
    )
