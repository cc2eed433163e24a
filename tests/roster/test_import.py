"""Students-with-parents import: every validation rule, all-or-nothing, idempotent, CLI contract."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.cli import main as cli_main
from safecampus.core.models import AuditEvent, Membership
from safecampus.roster.importing import apply_students, check_students_file
from safecampus.roster.models import Grade, Guardian, SchoolClass, Student

from .factories import csv_bytes, student_rows, xlsx_bytes

JUNIOR = "demo-c1-k1-s5"  # created empty by the fixture


@pytest.fixture
def junior(demo, county):
    """A new, empty junior middle school of demo-c1-k1 (the demo schools have a roster)."""
    from safecampus.core.models import Unit
    from safecampus.core.services import create_unit

    return create_unit(Unit.objects.get(code="demo-c1-k1"), actor=county, code=JUNIOR, name="东港区第五中学",
                       kind="school", school_type="junior")  # fmt: skip


def _import(school, data, actor):
    plan = check_students_file(school, data, actor=actor, school_year=2026)
    return plan, apply_students(plan, actor=actor, data=data)


def _counts():
    models = (Student, User, Guardian, Membership, SchoolClass, Grade)
    return tuple(m.objects.count() for m in models)


def test_gbk_csv_from_excel_imports(junior, county):
    plan, outcome = _import(junior, csv_bytes(student_rows(40)), county)
    assert plan.ok, plan.errors
    assert (outcome.created, outcome.updated, outcome.unchanged) == (40, 0, 0)
    assert Student.objects.filter(unit=junior).count() == 40
    assert SchoolClass.objects.filter(grade__unit=junior).count() == 2
    s = Student.objects.filter(unit=junior).select_related("user").first()
    assert s.user.must_change_password and s.id_card_masked.startswith("3702")
    assert Membership.objects.filter(user=s.user, unit=junior, role="student").exists()
    assert AuditEvent.objects.filter(verb="roster.students_imported", unit=junior).count() == 1
    assert len(outcome.credentials) == 80  # 40 students + 40 parents


def test_reimport_is_idempotent(junior, county):
    data = csv_bytes(student_rows(30))
    _import(junior, data, county)
    before = _counts()
    _plan, outcome = _import(junior, data, county)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 30)
    assert _counts() == before


def test_xlsx_with_merged_title_fullwidth_digits_and_spaces(junior, county):
    rows = student_rows(3)
    rows[0][1] = "（１）班 "  # full-width class number and a trailing space
    rows[1][7] = "１３９ ００００ ０００１"  # full-width phone with spaces
    rows[2][2] = " 王小明 "
    data = xlsx_bytes(rows, title="东港区第一初级中学2026级学生名单")
    plan, _outcome = _import(junior, data, county)
    assert plan.ok, plan.errors
    assert Student.objects.filter(name="王小明").exists()
    assert User.objects.filter(phone_hash__isnull=False, name=rows[1][6]).exists()


def test_class_written_three_ways_is_one_class(junior, county):
    rows = student_rows(3, classes=1)
    rows[0][1], rows[1][1], rows[2][1] = "1班", "一班", "(1)班"
    plan, _outcome = _import(junior, csv_bytes(rows, "utf-8"), county)
    assert plan.ok
    assert SchoolClass.objects.filter(grade__unit=junior).count() == 1
    assert SchoolClass.objects.get(grade__unit=junior).name == "1班"  # the first spelling is kept


def test_one_parent_for_two_children(junior, county):
    rows = student_rows(2)
    rows[1][6], rows[1][7], rows[1][8] = rows[0][6], rows[0][7], "母亲"
    rows[1][6] = rows[0][6]
    _plan, outcome = _import(junior, csv_bytes(rows), county)
    assert outcome.ok
    parent = User.objects.get(username__startswith="p_", name=rows[0][6])
    assert parent.guardianships.count() == 2
    assert Membership.objects.filter(user=parent, role="parent").count() == 1


@pytest.mark.parametrize(
    ("column", "value", "label"),
    [
        (4, "370202201301010010", "ID-card number"),  # bad checksum
        (3, "女", "ID-card number"),  # gender contradicts the ID card (row 0 is female → make male)
        (7, "1234567", "Parent mobile"),
        (0, "十年级", "Grade"),
        (1, "实验班", "Class"),
        (2, "", "Name"),
        (3, "未知", "Gender"),
    ],
)
def test_bad_row_rejected_with_row_and_column(junior, county, column, value, label):
    rows = student_rows(5)
    if column == 3 and value == "女":
        value = "女" if rows[1][3] == "男" else "男"
        target = 1
    else:
        target = 1
    rows[target][column] = value
    before = _counts()
    plan, outcome = _import(junior, csv_bytes(rows), county)
    assert not plan.ok and not outcome.ok
    assert any(e.row == 3 and e.column == label for e in plan.errors), plan.errors
    assert _counts() == before


def test_duplicates_inside_the_file(junior, county):
    rows = student_rows(3)
    rows[2][4] = rows[0][4]
    rows[2][5] = rows[0][5]
    plan, _ = _import(junior, csv_bytes(rows), county)
    assert {(e.row, e.column) for e in plan.errors} >= {(4, "ID-card number"), (4, "Student number")}


def test_same_phone_two_parent_names_rejected(junior, county):
    rows = student_rows(2)
    rows[1][7] = rows[0][7]
    rows[1][6] = "另一个人"
    plan, _ = _import(junior, csv_bytes(rows), county)
    assert any(e.row == 3 and e.column == "Parent name" for e in plan.errors)


def test_student_enrolled_elsewhere_is_flagged_not_moved(junior, county, school):
    rows = student_rows(2)
    _import(junior, csv_bytes(rows), county)
    primary_file = csv_bytes([["三年级", *r[1:]] for r in rows], "gbk")
    primary_plan = check_students_file(school, primary_file, actor=county, school_year=2026)
    assert not primary_plan.ok
    assert any("another school" in e.message for e in primary_plan.errors)
    assert Student.objects.filter(unit=junior).count() == 2


def test_one_bad_row_among_1000_writes_nothing(junior, county):
    rows = student_rows(1000, classes=20)
    rows[777][4] = rows[777][4][:-1] + ("0" if rows[777][4][-1] != "0" else "1")
    before = _counts()
    plan, outcome = _import(junior, csv_bytes(rows), county)
    assert [e.row for e in plan.errors] == [779]
    assert not outcome.ok and _counts() == before


def test_crash_in_the_middle_leaves_nothing(junior, county, monkeypatch):
    from safecampus.roster import importing

    def boom(self, students):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importing._Applier, "parents", boom)
    before = _counts()
    plan = check_students_file(junior, csv_bytes(student_rows(50)), actor=county, school_year=2026)
    with pytest.raises(RuntimeError):
        apply_students(plan, actor=county)
    assert _counts() == before


def test_old_xls_refused(junior, county):
    from safecampus.core.errors import Invalid

    with pytest.raises(Invalid) as exc:
        check_students_file(junior, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, actor=county)
    assert ".xlsx" in str(exc.value.message)


def test_outsiders_cannot_import(junior, outsider, head_teacher):
    for actor in (outsider, head_teacher):
        with pytest.raises(PermissionDenied):
            check_students_file(junior, csv_bytes(student_rows(2)), actor=actor)


def test_initial_password_logs_in_and_is_upgraded(junior, county, client):
    _plan, outcome = _import(junior, csv_bytes(student_rows(1)), county)
    cred = outcome.credentials[0]
    resp = client.post("/accounts/login/", {"username": cred.username, "password": cred.password})
    assert resp.status_code == 302 and "/accounts/password/change/" in resp["Location"]
    user = User.objects.get(username=cred.username)
    assert not user.password.startswith("initial_hmac$")  # re-hashed with the preferred hasher


def test_cli_contract(junior, tmp_path, capsys, demo):
    good = tmp_path / "students.csv"
    good.write_bytes(csv_bytes(student_rows(5)))
    assert cli_main(["roster", "import", "--school", JUNIOR, str(good), "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"ok": True, "created": 5, "updated": 0, "unchanged": 0, "errors": []}
    assert not Student.objects.filter(unit=junior).exists()
    assert cli_main(["roster", "import", "--school", JUNIOR, str(good)]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 5
    assert cli_main(["roster", "import", "--school", JUNIOR, str(good)]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "created": 0, "updated": 0, "unchanged": 5,
                                                   "errors": []}  # fmt: skip
    bad = tmp_path / "bad.csv"
    rows = student_rows(2, seed=7)
    rows[0][7] = "12"
    bad.write_bytes(csv_bytes(rows))
    assert cli_main(["roster", "import", "--school", JUNIOR, str(bad)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["errors"][0]["row"] == 2 and out["errors"][0]["column"]
    assert set(out) == {"ok", "created", "updated", "unchanged", "errors"}
    assert cli_main(["roster", "import", "--school", "nope", str(good)]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_usernames_carry_no_personal_data(junior, county):
    rows = student_rows(3)
    _plan, outcome = _import(junior, csv_bytes(rows), county)
    secrets = [value for r in rows for value in (r[4], r[5], r[7])]  # ID card, student number, phone
    for cred in outcome.credentials:
        for value in secrets:
            assert not any(value[i : i + 6] in cred.username for i in range(len(value) - 5)), cred.username


def test_graduated_elsewhere_is_flagged_not_crashing(junior, county, school):
    rows = student_rows(1)
    _import(junior, csv_bytes(rows), county)
    Student.objects.filter(unit=junior).update(status="graduated")
    plan = check_students_file(school, csv_bytes([["三年级", *rows[0][1:]]]), actor=county, school_year=2026)
    assert not plan.ok and "another school" in plan.errors[0].message
    assert not apply_students(plan, actor=county).ok


def test_reimport_keeps_a_graduated_student_graduated(junior, county):
    data = csv_bytes(student_rows(2))
    _import(junior, data, county)
    Student.objects.filter(unit=junior).update(status="graduated")
    _plan, outcome = _import(junior, data, county)
    assert outcome.unchanged == 2
    assert set(Student.objects.filter(unit=junior).values_list("status", flat=True)) == {"graduated"}
