"""Accounts and passwords of the roster (issue 4 items 4 and 6): login slips as PDF and xlsx, head
teachers resetting their class's passwords, and the audited "show" of masked personal data."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from safecampus.accounts.auth import issue_token
from safecampus.accounts.models import ApiToken, User
from safecampus.core.models import AuditEvent
from safecampus.roster import accounts, privacy
from safecampus.roster.importing import Credential, decrypt_credentials
from safecampus.roster.models import Guardian, SchoolClass, Student
from safecampus.roster.slips import slips_xlsx

from .factories import student_rows
from .samples import import_batch

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "screenshots")) / "roster"


@pytest.fixture
def imported(school, principal, head_teacher):
    """Two classes of 三年级 at demo-c1-k1-s1 (3 students each, with parents); demo_teacher heads
    class 1."""
    rows = student_rows(6, grade="三年级", classes=2, seed=53, region="370212", phone_base=13700053000)
    batch, outcome = import_batch(school, principal, rows)
    class1, class2 = SchoolClass.objects.filter(
        grade__unit=school, grade__school_year=2026, grade__level=3
    ).order_by("number")
    class1.head_teacher = head_teacher
    class1.save(update_fields=["head_teacher"])
    return {"batch": batch, "outcome": outcome, "rows": rows, "class1": class1, "class2": class2}


def _student(klass: SchoolClass) -> Student:
    return Student.objects.filter(school_class=klass).select_related("user").order_by("pk").first()


def _events(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


# login slips ---------------------------------------------------------------------------------


def _pdf_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "slips.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def _pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_slips_pdf_has_a_section_per_class_with_every_account(
    imported, school, school_admin, client_for, tmp_path
):
    before = _events("roster.slips_downloaded")
    resp = client_for(school_admin).get(f"/roster/imports/{imported['batch'].pk}/slips.pdf")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert "no-store" in resp["Cache-Control"]
    pdf = resp.content
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf, tmp_path) == 2  # a page break per class (6 slips each fit on one page)
    label1, label2 = str(imported["class1"]), str(imported["class2"])
    first, second = _pdf_text(pdf, tmp_path, 1), _pdf_text(pdf, tmp_path, 2)
    assert label1 in first and label2 not in first and label2 in second and label1 not in second
    text = _pdf_text(pdf, tmp_path)
    credentials = imported["outcome"].credentials
    assert len(credentials) == 12  # 6 students + 6 parents
    for c in credentials:
        assert c.username in text and c.password in text
    assert "First login: you must set a new password" in text
    child = imported["rows"][0][2]
    assert f"Parent of {child}" in text
    assert _events("roster.slips_downloaded") == before + 1
    event = AuditEvent.objects.filter(verb="roster.slips_downloaded").first()
    assert event.actor == school_admin and event.unit == school and event.after["format"] == "pdf"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_slips_pdf_screenshot(imported, principal, language, tmp_path):
    """Render the first page to PNG (looked at by a person: screenshots/roster/)."""
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(principal)
    resp = c.get(f"/roster/imports/{imported['batch'].pk}/slips.pdf")
    assert resp.status_code == 200
    pdf = tmp_path / "slips.pdf"
    pdf.write_bytes(resp.content)
    SHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SHOTS / f"login-slips-{language}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    shots = list(SHOTS.glob(f"login-slips-{language}*.png"))
    assert shots and shots[0].stat().st_size > 5000


def test_slips_xlsx_has_one_sheet_per_class(imported, school_admin, client_for):
    resp = client_for(school_admin).get(f"/roster/imports/{imported['batch'].pk}/slips.xlsx")
    assert resp.status_code == 200
    assert resp["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == [str(imported["class1"]), str(imported["class2"])]
    credentials = {c.username: c for c in imported["outcome"].credentials}
    seen = set()
    for ws in wb.worksheets:
        header, *rows = list(ws.iter_rows(values_only=True))
        assert header[5] == "Username" and header[6] == "Initial password"
        assert len(rows) == 6  # 3 students and their 3 parents
        for row in rows:
            assert row[1] == ws.title
            assert credentials[row[5]].password == row[6]
            assert row[7].startswith("http://127.0.0.1:8000/accounts/login/?username=")
            seen.add(row[5])
    assert seen == set(credentials)
    assert AuditEvent.objects.filter(verb="roster.slips_downloaded").first().after["format"] == "xlsx"


def test_staff_slips_are_grouped_by_post():
    creds = [
        Credential("staff", "宿管", "李四", "t_lisi", "Pw3xYzAbCd"),
        Credential("staff", "食堂", "王五", "t_ww", "Qw3x"),
    ]
    wb = load_workbook(io.BytesIO(slips_xlsx(creds, school_name="东港区实验小学")))
    assert wb.sheetnames == ["宿管", "食堂"]
    assert next(wb["宿管"].iter_rows(min_row=2, values_only=True))[2:7] == (
        "Staff",
        "李四",
        None,  # no child
        "t_lisi",
        "Pw3xYzAbCd",
    )


def test_slips_of_one_class(imported, principal, client_for):
    label = str(imported["class2"])
    resp = client_for(principal).get(f"/roster/imports/{imported['batch'].pk}/slips.xlsx", {"class": label})
    assert load_workbook(io.BytesIO(resp.content)).sheetnames == [label]


def test_only_user_managers_download_slips(imported, client_for, head_teacher, guard, outsider,
                                           outsider_principal, county):  # fmt: skip
    """The rule of `batches.can_download_credentials` (tests/roster/test_credentials_access.py):
    everyone but the batch's creator and the school's user managers gets 404."""
    batch = imported["batch"]
    before = _events("roster.slips_downloaded")
    for user in (head_teacher, guard, outsider, outsider_principal, county):
        for fmt in ("pdf", "xlsx"):
            resp = client_for(user).get(f"/roster/imports/{batch.pk}/slips.{fmt}")
            assert resp.status_code == 404, (user, fmt)
            assert imported["outcome"].credentials[0].password.encode() not in resp.content
    assert Client().get(f"/roster/imports/{batch.pk}/slips.pdf").status_code == 302  # to the login page
    assert _events("roster.slips_downloaded") == before


def test_credentials_stay_encrypted_on_the_batch(imported):
    batch = imported["batch"]
    password = imported["outcome"].credentials[0].password
    assert password not in batch.credentials_enc
    assert decrypt_credentials(batch.credentials_enc)[0].password == password


def test_login_page_fills_in_the_username_from_the_slip_qr(client):
    resp = client.get("/accounts/login/", {"username": "s_g123"})
    assert 'value="s_g123"' in resp.content.decode()


# head teachers reset passwords of their class -----------------------------------------------------


def test_head_teacher_resets_a_student_of_their_class(imported, head_teacher):
    student = _student(imported["class1"])
    issue_token(student.user)
    password = accounts.reset_student_password(student, actor=head_teacher)
    user = User.objects.get(pk=student.user_id)
    assert user.check_password(password) and user.must_change_password
    assert not ApiToken.objects.filter(user=user, revoked=False).exists()
    event = AuditEvent.objects.filter(verb="user.password_reset").first()
    assert (
        event.actor == head_teacher and event.target_id == str(user.pk) and password not in str(event.after)
    )


def test_head_teacher_cannot_reset_another_class(imported, head_teacher, client_for):
    other = _student(imported["class2"])
    with pytest.raises(PermissionDenied):
        accounts.reset_student_password(other, actor=head_teacher)
    # Not their class: the student is not even visible to them.
    assert client_for(head_teacher).post(f"/roster/students/{other.pk}/reset-password/").status_code == 404
    imported["class2"].assistants.add(head_teacher)  # an assistant of that class may
    assert accounts.reset_student_password(other, actor=head_teacher)


def test_managers_and_bureaus_reset_but_parents_and_outsiders_do_not(
    imported, school_admin, county, outsider
):
    student = _student(imported["class1"])
    assert accounts.reset_student_password(student, actor=school_admin)
    assert accounts.reset_student_password(student, actor=county)
    parent = Guardian.objects.filter(student=student).first().parent
    for actor in (parent, outsider):
        with pytest.raises(PermissionDenied):
            accounts.reset_student_password(student, actor=actor)


def test_reset_view_shows_the_password_once(imported, head_teacher, client_for, outsider):
    student = _student(imported["class1"])
    c = client_for(head_teacher)
    assert c.get(f"/roster/students/{student.pk}/reset-password/").status_code == 405
    resp = c.post(f"/roster/students/{student.pk}/reset-password/", {"next": "/"})
    assert resp.status_code == 200
    html = resp.content.decode()
    password = html.split('id="initial-password">')[1].split("<")[0]
    assert User.objects.get(pk=student.user_id).check_password(password)
    assert client_for(outsider).post(f"/roster/students/{student.pk}/reset-password/").status_code == 404


# Parents reset their own password with a code from the school: tests/roster/test_parent_reset.py.


# privacy: the audited "show" -----------------------------------------------------------------------


def test_school_manager_reveals_a_student_id_card_and_guardian_phone(
    imported, school_admin, county, client_for
):
    student = _student(imported["class1"])
    assert privacy.can_reveal(county, student)  # bureau above, with the right to manage users
    c = client_for(school_admin)
    before = _events("privacy.revealed")
    resp = c.post(f"/roster/students/{student.pk}/reveal/id_card/")
    assert resp.status_code == 200
    assert student.id_card in resp.content.decode()
    guardian = Guardian.objects.filter(student=student).select_related("parent").first()
    resp = c.post(f"/roster/students/{student.pk}/reveal/guardian_phone:{guardian.parent_id}/")
    assert guardian.parent.phone in resp.content.decode()
    assert _events("privacy.revealed") == before + 2
    event = AuditEvent.objects.filter(verb="privacy.revealed").first()
    assert event.actor == school_admin and event.after == {"field": f"guardian_phone:{guardian.parent_id}"}
    assert event.target_id == str(student.pk) and student.id_card not in str(event.after)
    assert (
        c.post(f"/roster/students/{student.pk}/reveal/guardian_phone:{school_admin.pk}/").status_code == 400
    )
    assert c.post(f"/roster/students/{student.pk}/reveal/name/").status_code == 400
    assert c.get(f"/roster/students/{student.pk}/reveal/id_card/").status_code == 405


def test_reveal_is_refused_for_teacher_guard_parent_and_outsider(imported, head_teacher, guard, outsider,
                                                                 client_for):  # fmt: skip
    student = _student(imported["class1"])
    parent = Guardian.objects.filter(student=student).first().parent
    parent.must_change_password = False  # past the forced change, so the request reaches the view
    parent.save(update_fields=["must_change_password"])
    before = _events("privacy.revealed")
    for user, status in ((head_teacher, 403), (parent, 403), (guard, 404), (outsider, 404)):
        resp = client_for(user).post(f"/roster/students/{student.pk}/reveal/id_card/")
        assert resp.status_code == status, user
        assert student.id_card not in resp.content.decode()
        with pytest.raises(PermissionDenied):
            privacy.reveal("id_card", student, actor=user)
    assert _events("privacy.revealed") == before


def test_person_page_reveals_phone_for_managers_only(
    demo, school_admin, principal, guard, outsider, client_for
):
    safety = User.objects.get(username="demo_safety")  # may see people, not manage them
    url = f"/people/{principal.pk}/reveal/phone/"
    page = client_for(school_admin).get(f"/people/{principal.pk}/").content.decode()
    assert principal.phone_masked in page and principal.phone not in page and url in page
    staff_page = client_for(safety).get(f"/people/{principal.pk}/").content.decode()
    assert principal.phone_masked in staff_page and url not in staff_page
    resp = client_for(school_admin).post(url)
    assert resp.status_code == 200 and principal.phone in resp.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(principal.pk)).count() == 1
    for user, status in ((safety, 403), (guard, 404), (outsider, 404)):
        resp = client_for(user).post(url)
        assert resp.status_code == status, user
        assert principal.phone not in resp.content.decode()
    assert client_for(school_admin).post(f"/people/{principal.pk}/reveal/password/").status_code == 400
