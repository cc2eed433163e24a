"""Import pages: upload → preview → apply with progress, the error report, templates, passwords."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.roster import batches
from safecampus.roster.columns import STAFF_COLUMNS, STUDENT_TEMPLATE_HEADERS
from safecampus.roster.models import Grade, Guardian, ImportBatch, ImportStatus, SchoolClass, Student
from safecampus.roster.reports import RED

from .factories import csv_bytes, student_rows, xlsx_bytes
from .ui import import_staff, import_students


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def primary_rows(n: int, **kw) -> list[list[str]]:
    return student_rows(n, grade="三年级", **kw)


def roster_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Student, User, Guardian, Membership, SchoolClass, Grade))


def upload(client, school: Unit, data: bytes, name: str = "三年级名单.csv", kind: str = "students"):
    return client.post(
        f"/roster/schools/{school.pk}/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def last_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-pk").first()


def with_errors() -> bytes:
    rows = primary_rows(5)
    rows[1][4] = rows[1][4][:-1] + ("0" if rows[1][4][-1] != "0" else "1")  # row 3: bad check digit
    rows[3][3] = "未知"  # row 5: gender
    return csv_bytes(rows)


def test_gbk_csv_preview_then_apply(school, principal, client_for, django_capture_on_commit_callbacks):
    c = client_for(principal)
    page = c.get(f"/roster/schools/{school.pk}/import/")
    assert page.status_code == 200 and "/roster/templates/students.xlsx" in page.content.decode()
    before = roster_counts()
    resp = upload(c, school, csv_bytes(primary_rows(6)))
    batch = last_batch()
    assert resp.status_code == 302 and resp["Location"] == f"/roster/imports/{batch.pk}/"
    assert batch.status == ImportStatus.VALIDATED and batch.total_rows == 6
    assert roster_counts() == before  # checking writes nothing

    preview = c.get(resp["Location"]).content.decode()
    assert 'id="count-created">6<' in preview
    assert "三年级1班" in preview and "三年级2班" in preview  # classes offered for creation
    assert 'id="apply-button"' in preview

    # Not confirming the new classes is refused; nothing starts.
    c.post(f"/roster/imports/{batch.pk}/apply/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.VALIDATED

    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(f"/roster/imports/{batch.pk}/apply/", {"confirm_new_classes": "on"})
    assert resp.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and batch.done_rows == 6
    assert batch.result["outcome"]["created"] == 6 and batch.result["outcome"]["accounts"] == 12
    assert Student.objects.filter(unit=school, school_class__grade__level=3).count() == 6
    done = c.get(f"/roster/imports/{batch.pk}/").content.decode()
    assert 'id="applied"' in done and f"/roster/imports/{batch.pk}/accounts.xlsx" in done
    verbs = set(AuditEvent.objects.filter(unit=school).values_list("verb", flat=True))
    assert {"roster.import_checked", "roster.import_started", "roster.students_imported"} <= verbs


def test_file_with_errors_lists_them_and_cannot_be_applied(school, principal, client_for):
    c = client_for(principal)
    before = roster_counts()
    upload(c, school, with_errors())
    batch = last_batch()
    assert batch.status == ImportStatus.REJECTED and batch.result["error_count"] == 2
    page = c.get(f"/roster/imports/{batch.pk}/").content.decode()
    assert 'id="apply-button"' not in page
    assert "ID-card number" in page and "Gender must be 男 or 女." in page
    assert '<td data-label="Row" class="text-end font-monospace">3</td>' in page
    resp = c.post(f"/roster/imports/{batch.pk}/apply/", {"confirm_new_classes": "on"}, follow=True)
    assert "fix them and upload it again" in resp.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert roster_counts() == before


def test_unreadable_file_is_refused_and_keeps_nothing(school, principal, client_for):
    c = client_for(principal)
    resp = upload(c, school, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="名单.xls")
    assert resp.status_code == 200 and ".xlsx" in resp.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_error_report_marks_the_cells(school, principal, client_for, kind):
    c = client_for(principal)
    rows = primary_rows(5)
    rows[1][4] = rows[1][4][:-1] + ("0" if rows[1][4][-1] != "0" else "1")
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows, title="三年级学生名单")
    upload(c, school, data, name=f"名单.{kind}")
    batch = last_batch()
    row = 3 if kind == "csv" else 4  # a merged title row pushes the xlsx rows down by one
    assert batch.result["errors"][0]["row"] == row
    resp = c.get(f"/roster/imports/{batch.pk}/errors.xlsx")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(resp.content))
    sheet, errors = wb.worksheets
    cell = sheet.cell(row=row, column=5)  # 身份证号
    assert cell.value == rows[1][4]
    assert cell.fill.fgColor.rgb == RED
    assert "check digit" in cell.comment.text
    assert sheet.cell(row=row, column=4).comment is None
    assert [c.value for c in errors[1]] == ["Row", "Column", "Problem"]
    assert (
        errors.cell(row=2, column=1).value == row and errors.cell(row=2, column=2).value == "ID-card number"
    )
    assert AuditEvent.objects.filter(verb="roster.error_report_downloaded", target_id=str(batch.pk)).exists()


def test_templates_have_the_headers(client_for, principal):
    c = client_for(principal)
    resp = c.get("/roster/templates/students.xlsx")
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    data, notes = wb.worksheets
    assert [c.value for c in data[1]] == STUDENT_TEMPLATE_HEADERS
    assert data.cell(row=2, column=3).value  # the example row
    assert notes.max_row > 3
    staff = load_workbook(io.BytesIO(c.get("/roster/templates/staff.xlsx").content)).worksheets[0]
    assert [c.value for c in staff[1]] == [col.aliases[0] for col in STAFF_COLUMNS]


def test_template_example_row_is_a_valid_row(school, principal):
    """Kept as an example, the grey row would be accepted: its ID card and phone are well formed."""
    from safecampus.roster.importing import check_students_file
    from safecampus.roster.reports import template_workbook

    plan = check_students_file(school, template_workbook("students"), actor=principal)
    assert plan.ok, plan.errors


def test_progress_page_polls_until_done(school, principal, client_for, django_capture_on_commit_callbacks):
    c = client_for(principal)
    upload(c, school, csv_bytes(primary_rows(4)))
    batch = last_batch()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batches.start_apply(batch, actor=principal, confirm_new_classes=True)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING
    page = c.get(f"/roster/imports/{batch.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="0"' in page
    batches.set_progress(batch.pk, 2, 4)
    fragment = c.get(f"/roster/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'aria-valuenow="50"' in fragment.content.decode() and "HX-Refresh" not in fragment
    for callback in callbacks:  # the job runs
        callback()
    fragment = c.get(f"/roster/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and 'aria-valuenow="100"' in fragment.content.decode()
    assert "every 1s" not in fragment.content.decode()


def test_apply_only_once(school, principal):
    batch = batches.create_batch(
        school, actor=principal, kind="students", data=csv_bytes(primary_rows(2)), file_name="a.csv"
    )
    batches.start_apply(batch, actor=principal, confirm_new_classes=True)
    with pytest.raises(Conflict):
        batches.start_apply(batch, actor=principal, confirm_new_classes=True)


def test_job_rechecks_the_file(school, principal, county):
    """A student enrolled elsewhere between preview and apply: the job refuses, writes nothing."""
    rows = primary_rows(3)
    batch = batches.create_batch(
        school, actor=principal, kind="students", data=csv_bytes(rows), file_name="a.csv"
    )
    batches.start_apply(batch, actor=principal, confirm_new_classes=True)
    other = Unit.objects.get(code="demo-c1-k1-s2")
    import_students(other, county, [["七年级", *r[1:]] for r in rows[:1]])
    before = roster_counts()
    batches.run_apply(batch.pk, principal.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED and "another school" in batch.result["errors"][0]["message"]
    assert roster_counts() == before


def test_failing_job_marks_the_batch_failed(school, principal, monkeypatch):
    from safecampus.roster import importing

    def boom(self, students):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importing._Applier, "parents", boom)
    batch = batches.create_batch(
        school, actor=principal, kind="students", data=csv_bytes(primary_rows(3)), file_name="a.csv"
    )
    batches.start_apply(batch, actor=principal, confirm_new_classes=True)
    before = roster_counts()
    batches.run_apply(batch.pk, principal.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and roster_counts() == before
    assert AuditEvent.objects.filter(verb="roster.import_failed", target_id=str(batch.pk)).exists()


def test_credentials_download_is_restricted(
    school, principal, school_admin, county, head_teacher, outsider, client_for
):
    batch = import_students(school, principal, primary_rows(3))
    url = f"/roster/imports/{batch.pk}/accounts.xlsx"
    resp = client_for(principal).get(url)  # the batch's creator
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "Class or post",
        "Account for",
        "Name",
        "Username",
        "Initial password",
    ]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == 6 and {r[1] for r in rows} == {"Student", "Parent"}
    assert authenticate(username=rows[0][3], password=rows[0][4]) is not None
    assert AuditEvent.objects.filter(verb="roster.credentials_downloaded", actor=principal).count() == 1
    assert client_for(school_admin).get(url).status_code == 200  # a manager of the school
    assert client_for(county).get(url).status_code == 404  # the bureau: neither
    assert client_for(head_teacher).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(verb="roster.credentials_downloaded").count() == 2


def test_bureau_officer_imports_for_a_school(school, county, client_for):
    c = client_for(county)
    upload(c, school, csv_bytes(primary_rows(2)))
    batch = last_batch()
    assert batch.status == ImportStatus.VALIDATED and batch.created_by == county
    assert c.get(f"/roster/imports/{batch.pk}/").status_code == 200


def test_staff_file_assigns_the_head_teacher(school, principal, head_teacher, client_for):
    import_students(school, principal, primary_rows(4))
    batch = import_staff(
        school, principal, [["张丽", "女", head_teacher.phone, "", "班主任", "三年级", "1班"]]
    )
    assert batch.status == ImportStatus.APPLIED
    assert SchoolClass.objects.get(grade__unit=school, grade__level=3, number=1).head_teacher == head_teacher
    page = client_for(principal).get(f"/roster/imports/{batch.pk}/").content.decode()
    assert "No new accounts were needed." in page


def test_people_without_the_right_cannot_import(school, head_teacher, guard, client_for):
    for user in (head_teacher, guard):
        c = client_for(user)
        assert c.get(f"/roster/schools/{school.pk}/import/").status_code == 403
        assert upload(c, school, csv_bytes(primary_rows(2))).status_code == 403
    assert not ImportBatch.objects.exists()
