"""A parent who forgot their password resets it with a single-use code from the school (issue 14
§2): the student number and the ID card's last characters (which the student number contains)
no longer prove anything."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from safecampus.accounts.models import LoginAttempt, PasswordResetCode, User
from safecampus.core.models import AuditEvent, Membership
from safecampus.core.roles import Role
from safecampus.roster.models import Guardian, SchoolClass, Student
from safecampus.roster.parent_reset import issue_parent_reset_code

from .factories import student_rows
from .samples import import_batch

NEW_PASSWORD = "Lantern-Harbour-42"
RESET_URL = "/accounts/parent-reset/"
CODE_RE = re.compile(r'id="reset-code">([0-9A-Z]{4}-[0-9A-Z]{4})<')


@pytest.fixture
def imported(school, principal, head_teacher):
    """Two classes of 三年级 at demo-c1-k1-s1 (3 students each, with parents); demo_teacher heads
    class 1."""
    rows = student_rows(6, grade="三年级", classes=2, seed=61, region="370212", phone_base=13700061000)
    import_batch(school, principal, rows)
    class1, class2 = SchoolClass.objects.filter(
        grade__unit=school, grade__school_year=2026, grade__level=3
    ).order_by("number")
    class1.head_teacher = head_teacher
    class1.save(update_fields=["head_teacher"])
    return {"rows": rows, "class1": class1, "class2": class2}


def _child(klass: SchoolClass) -> Student:
    return Student.objects.filter(school_class=klass).order_by("pk").first()


def _parent(student: Student) -> User:
    parent = Guardian.objects.filter(student=student).select_related("parent").first().parent
    assert parent.phone
    return parent


def _reset(phone: str, code: str, password: str = NEW_PASSWORD, client: Client | None = None):
    data = {"phone": phone, "code": code, "new_password": password, "new_password2": password}
    return (client or Client()).post(RESET_URL, data)


def _issue_on_the_page(client: Client, student: Student, parent: User) -> str:
    page = client.get(f"/roster/students/{student.pk}/").content.decode()
    url = f"/roster/parents/{parent.pk}/reset-code/"
    assert url in page
    resp = client.post(url, {"student": student.pk, "next": f"/roster/students/{student.pk}/"})
    assert resp.status_code == 200
    assert "no-store" in resp.get("Cache-Control", "") or "max-age=0" in resp.get("Cache-Control", "")
    return CODE_RE.search(resp.content.decode()).group(1)


def test_head_teacher_issues_a_code_and_the_parent_resets(imported, head_teacher, client_for):
    student = _child(imported["class1"])
    parent = _parent(student)
    code = _issue_on_the_page(client_for(head_teacher), student, parent)
    row = PasswordResetCode.objects.get(user=parent)
    assert code.replace("-", "") not in row.code_hash  # stored hashed
    assert row.expires_at - row.created_at == dt.timedelta(hours=24)
    issued = AuditEvent.objects.filter(verb="auth.reset_code_issued").first()
    assert issued.actor == head_teacher and issued.target_id == str(parent.pk) and issued.unit == student.unit
    assert code not in json.dumps(issued.after) and code.replace("-", "") not in json.dumps(issued.after)

    c = Client()
    page = c.get(RESET_URL).content.decode()
    assert 'name="code"' in page and 'name="student_no"' not in page and "id_last6" not in page
    resp = _reset(parent.phone, code.lower().replace("-", " "), client=c)  # as typed from the slip
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/"
    user = authenticate(username=parent.phone, password=NEW_PASSWORD)
    assert user == parent and not user.must_change_password
    used = AuditEvent.objects.filter(verb="auth.parent_password_reset").first()
    assert used.actor == parent and used.after == {"code": row.pk, "issued_by": head_teacher.username}
    assert LoginAttempt.objects.filter(user=parent, success=True).exists()
    # Single use.
    again = _reset(parent.phone, code, "Another-Harbour-43")
    assert again.status_code == 200 and "not correct" in again.content.decode()
    assert authenticate(username=parent.phone, password="Another-Harbour-43") is None


def test_student_number_and_id_card_no_longer_reset_a_password(imported):
    """The old factors: phone + student number (G + ID-card number) + the ID card's last six."""
    row = imported["rows"][0]
    data = {"phone": row[7], "student_no": row[5], "id_last6": row[4][-6:],
            "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}  # fmt: skip
    resp = Client().post(RESET_URL, data)
    assert resp.status_code == 200
    assert authenticate(username=row[7], password=NEW_PASSWORD) is None
    code_guess = _reset(row[7], row[4][-8:])  # nor is anything from the ID card a code
    assert code_guess.status_code == 200
    assert authenticate(username=row[7], password=NEW_PASSWORD) is None


def test_expired_and_replaced_codes_do_not_work(imported, school_admin):
    student = _child(imported["class2"])
    parent = _parent(student)
    first = issue_parent_reset_code(parent, actor=school_admin)
    second = issue_parent_reset_code(parent, actor=school_admin)
    assert first.code != second.code
    assert "not correct" in _reset(parent.phone, first.code).content.decode()  # replaced by the newer one
    PasswordResetCode.objects.filter(user=parent).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "not correct" in _reset(parent.phone, second.code).content.decode()  # expired
    assert authenticate(username=parent.phone, password=NEW_PASSWORD) is None


def test_wrong_codes_count_toward_the_lock_out(imported, school_admin):
    student = _child(imported["class1"])
    parent = _parent(student)
    issued = issue_parent_reset_code(parent, actor=school_admin)
    messages = set()
    for wrong in ("AAAA-AAAA", "short", "BBBB-BBBB"):
        html = _reset(parent.phone, wrong).content.decode()
        messages.add(html.split('role="alert">')[1].split("</div></div>")[0])
    html = _reset("13711112222", issued.code).content.decode()  # another phone with this code
    messages.add(html.split('role="alert">')[1].split("</div></div>")[0])
    assert len(messages) == 1  # never says which part was wrong
    assert LoginAttempt.objects.filter(user=parent, success=False).count() == 3
    for _ in range(2):
        _reset(parent.phone, "CCCC-CCCC")
    resp = _reset(parent.phone, issued.code)  # the sixth attempt, with the right code
    assert resp.status_code == 429 and "Too many failed" in resp.content.decode()
    assert authenticate(username=parent.phone, password=NEW_PASSWORD) is None
    # The same count locks the sign-in.
    signin = Client().post("/accounts/login/", {"username": parent.phone, "password": "whatever"})
    assert signin.status_code == 429


def test_weak_new_password_is_refused_before_any_check(imported, school_admin):
    parent = _parent(_child(imported["class1"]))
    issued = issue_parent_reset_code(parent, actor=school_admin)
    resp = _reset(parent.phone, issued.code, "123")
    assert resp.status_code == 200 and "not correct" not in resp.content.decode()
    assert not LoginAttempt.objects.filter(user=parent).exists()


def test_accounts_with_staff_roles_get_no_code(imported, school, school_admin):
    parent = _parent(_child(imported["class1"]))
    Membership.objects.create(user=parent, unit=school, role=Role.TEACHER)
    resp = _api(school_admin).post(f"/api/v1/roster/parents/{parent.pk}/reset-code")
    assert resp.status_code == 400 and "People page" in resp.json()["detail"]
    assert not PasswordResetCode.objects.filter(user=parent).exists()


# --- who may issue: the API route and the page --------------------------------------------------


def _api(user: User) -> Client:
    from safecampus.accounts.auth import issue_token

    User.objects.filter(pk=user.pk).update(must_change_password=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def test_api_issues_the_code_once(imported, head_teacher):
    student = _child(imported["class1"])
    parent = _parent(student)
    resp = _api(head_teacher).post(f"/api/v1/roster/parents/{parent.pk}/reset-code")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", body["code"])
    assert body["parent"] == {"id": parent.pk, "name": parent.name}
    assert body["student"]["id"] == student.pk and body["school"]["code"] == "demo-c1-k1-s1"
    assert _reset(parent.phone, body["code"]).status_code == 302


def test_who_may_issue(imported, head_teacher, school_admin, principal, county, guard, outsider,
                       outsider_principal):  # fmt: skip
    parent1 = _parent(_child(imported["class1"]))
    parent2 = _parent(_child(imported["class2"]))
    expected = [
        (head_teacher, parent1, 201),
        (head_teacher, parent2, 404),  # not their class: the child is not even visible
        (school_admin, parent2, 201),
        (principal, parent2, 201),
        (county, parent1, 403),  # the bureau sees the parent, but the school hands out codes
        (parent1, parent1, 403),  # a parent cannot issue their own
        (guard, parent1, 404),
        (outsider, parent1, 404),
        (outsider_principal, parent1, 404),
    ]
    for actor, parent, status in expected:
        before = PasswordResetCode.objects.count()
        resp = _api(actor).post(f"/api/v1/roster/parents/{parent.pk}/reset-code")
        assert resp.status_code == status, (actor.username, parent.pk, resp.content)
        if status != 201:
            assert "code" not in resp.json() and PasswordResetCode.objects.count() == before
    assert _api(school_admin).post("/api/v1/roster/parents/999999/reset-code").status_code == 404


def test_the_page_is_refused_alike(imported, head_teacher, county, outsider, guard, client_for):
    student = _child(imported["class1"])
    parent = _parent(student)
    url = f"/roster/parents/{parent.pk}/reset-code/"
    assert client_for(head_teacher).get(url).status_code == 405
    for user, status in ((outsider, 404), (guard, 404), (county, 403)):
        resp = client_for(user).post(url, {"student": student.pk})
        assert resp.status_code == status, user
        assert not CODE_RE.search(resp.content.decode())
    county_page = client_for(county).get(f"/roster/students/{student.pk}/").content.decode()
    assert url not in county_page  # no button for those who may not issue
    assert Client().post(url).status_code == 302  # to the login page
    assert not PasswordResetCode.objects.exists()
