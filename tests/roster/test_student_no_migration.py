"""The data migration that encrypts existing student numbers (roster 0003), forward and back, on
whichever database the suite runs (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safecampus.core import crypto
from safecampus.core.models import Unit

BEFORE = [("roster", "0002_school_year")]
AFTER = [("roster", "0003_student_no_encrypted")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_student_numbers_are_encrypted_and_back(demo):
    school = Unit.objects.get(code="demo-c1-k1-s1")
    try:
        old = _migrate(BEFORE)
        Student = old.get_model("roster", "Student")
        numbers = ["G410100201905100042", "K1S10007", ""]
        for i, number in enumerate(numbers):
            Student.objects.create(
                unit_id=school.pk, unit_path=school.path, name=f"学生{i}", gender="F", student_no=number
            )
        new = _migrate(AFTER).get_model("roster", "Student")
        rows = {s.name: s for s in new.objects.filter(unit_id=school.pk, name__startswith="学生")}
        for i, number in enumerate(numbers):
            s = rows[f"学生{i}"]
            assert crypto.decrypt(s.student_no_enc) == number
            assert s.student_no_hash == crypto.lookup_hash(number)
            assert number == "" or number not in s.student_no_enc
        back = _migrate(BEFORE).get_model("roster", "Student")
        restored = dict(back.objects.filter(name__startswith="学生").values_list("name", "student_no"))
        assert restored == {f"学生{i}": n for i, n in enumerate(numbers)}
    finally:
        _migrate(AFTER)
