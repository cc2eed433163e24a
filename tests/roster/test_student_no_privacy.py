"""Student numbers are personal data (a national student number is "G" + the ID-card number):
encrypted at rest with a keyed hash, masked in pages, API and audit events (G4101***********042),
found by exact value, shown in clear only to the school's user managers, every time audited;
imports still match and refuse duplicates by the hash."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from safecampus.core.crypto import mask_student_no
from safecampus.core.models import AuditEvent, Unit
from safecampus.roster import privacy, services
from safecampus.roster.models import Student
from safecampus.roster.runner import run_import_bytes

from .factories import csv_bytes, student_rows

pytestmark = pytest.mark.django_db

API = "/api/v1/roster"


@pytest.fixture
def pupils(school, principal, head_teacher) -> list[Student]:
    """Three pupils of 三年级1班 at demo-c1-k1-s1 (student numbers "G" + ID card), headed by
    demo_teacher."""
    rows = student_rows(3, grade="三年级", classes=1, seed=61, region="410100", phone_base=13700061000)
    assert run_import_bytes(school, csv_bytes(rows), kind="students", dry_run=False, actor=principal)["ok"]
    students = list(Student.objects.with_student_no(*[r[5] for r in rows]).order_by("pk"))
    klass = students[0].school_class
    klass.head_teacher = head_teacher
    klass.save(update_fields=["head_teacher"])
    return students


def test_mask_keeps_the_first_five_and_the_last_three():
    assert mask_student_no("G410100201905100042") == "G4101***********042"
    assert mask_student_no("K1S10001") == "K*****01"
    assert mask_student_no("") == ""


def test_encrypted_at_rest_with_a_keyed_hash(pupils):
    number = pupils[0].student_no
    assert number.startswith("G4101") and len(number) == 19
    columns = {
        c.name for c in connection.introspection.get_table_description(connection.cursor(), "roster_student")
    }
    assert "student_no" not in columns and {"student_no_enc", "student_no_hash"} <= columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM roster_student WHERE id = %s", [pupils[0].pk])
        row = cursor.fetchone()
    assert not any(number in str(value) or number[1:] in str(value) for value in row if value)


def test_masked_in_pages_api_and_audit(
    pupils, school_admin, county, head_teacher, client_for, api_client_for
):
    student = pupils[0]
    number, masked = student.student_no, mask_student_no(student.student_no)
    for user in (school_admin, head_teacher):
        c = client_for(user)
        for url in (f"/roster/classes/{student.school_class_id}/", f"/roster/students/{student.pk}/"):
            body = c.get(url).content.decode()
            assert masked in body and number not in body, (user, url)
    api = api_client_for(county)
    one = api.get(f"{API}/students/{student.pk}").json()
    assert one["student_no"] == masked
    listed = api.get(f"{API}/students", {"school": "demo-c1-k1-s1", "limit": 500}).json()["items"]
    assert {s["student_no"] for s in listed} >= {mask_student_no(p.student_no) for p in pupils}
    assert not any(p.student_no in json.dumps(listed) for p in pupils)
    new = "G" + pupils[1].id_card[:-4] + "0001"
    services.update_student(student, actor=school_admin, student_no=new)
    [event] = AuditEvent.objects.filter(verb="student.updated", target_id=str(student.pk))
    assert event.before["student_no"] == masked and event.after["student_no"] == mask_student_no(new)
    assert event.after["student_no_changed"] is True
    assert number not in json.dumps([event.before, event.after]) and new not in json.dumps(event.after)
    assert Student.objects.get(pk=student.pk).student_no == new


def test_found_by_exact_value_only(pupils, school_admin, county, client_for, api_client_for):
    student = pupils[0]
    page = client_for(school_admin).get(
        f"/roster/classes/{student.school_class_id}/", {"q": student.student_no.lower()}
    )
    assert [s.pk for s in page.context["page"].object_list] == [student.pk]
    partial = client_for(school_admin).get(
        f"/roster/classes/{student.school_class_id}/", {"q": student.student_no[:10]}
    )
    assert list(partial.context["page"].object_list) == []
    api = api_client_for(county)
    found = api.get(f"{API}/students", {"q": student.student_no}).json()["items"]
    assert [s["id"] for s in found] == [student.pk]
    assert api.get(f"{API}/students", {"q": student.student_no[3:12]}).json()["items"] == []


def test_reveal_is_for_user_managers_and_audited(pupils, school_admin, county, client_for, api_client_for):
    student = pupils[0]
    page = client_for(school_admin).get(f"/roster/students/{student.pk}/").content.decode()
    assert f"/roster/students/{student.pk}/reveal/student_no/" in page
    before = AuditEvent.objects.filter(verb="privacy.revealed").count()
    resp = client_for(school_admin).post(f"/roster/students/{student.pk}/reveal/student_no/")
    assert resp.status_code == 200 and student.student_no in resp.content.decode()
    api = api_client_for(county).post(f"{API}/students/{student.pk}/reveal/student_no")
    assert api.status_code == 200 and api.json() == {"field": "student_no", "value": student.student_no}
    events = AuditEvent.objects.filter(verb="privacy.revealed").order_by("-id")[:2]
    assert AuditEvent.objects.filter(verb="privacy.revealed").count() == before + 2
    assert {e.actor_id for e in events} == {school_admin.pk, county.pk}
    assert all(e.after == {"field": "student_no"} and e.target_id == str(student.pk) for e in events)


def test_reveal_is_refused_to_others(
    pupils, head_teacher, outsider, outsider_principal, client_for, api_client_for
):
    student = pupils[0]
    before = AuditEvent.objects.filter(verb="privacy.revealed").count()
    page = client_for(head_teacher).get(f"/roster/students/{student.pk}/").content.decode()
    assert "/reveal/" not in page
    for user, status in ((head_teacher, 403), (outsider, 404), (outsider_principal, 404)):
        web = client_for(user).post(f"/roster/students/{student.pk}/reveal/student_no/")
        api = api_client_for(user).post(f"{API}/students/{student.pk}/reveal/student_no")
        assert (web.status_code, api.status_code) == (status, status), user
        assert student.student_no not in web.content.decode() + api.content.decode()
    with pytest.raises(PermissionDenied):
        privacy.reveal("student_no", student, actor=head_teacher)
    assert AuditEvent.objects.filter(verb="privacy.revealed").count() == before


def test_reveal_route_refuses_unknown_fields(pupils, county, api_client_for):
    api = api_client_for(county)
    assert api.post(f"{API}/students/{pupils[0].pk}/reveal/name").status_code in (400, 422)
    assert api.get(f"{API}/students/{pupils[0].pk}/reveal/student_no").status_code == 405


def test_imports_match_and_refuse_duplicates_by_hash(pupils, school, principal, outsider_principal):
    rows = [
        ["三年级", "1班", p.name, "男" if p.gender == "M" else "女", p.id_card, p.student_no, "", "", ""]
        for p in pupils
    ]
    again = run_import_bytes(school, csv_bytes(rows), kind="students", dry_run=False, actor=principal)
    assert again["ok"] and (again["created"], again["unchanged"]) == (0, 3)
    # The same student number (no ID card) at another school is refused, by the hash.
    sibling = Unit.objects.get(code="demo-c1-k2-s1")
    elsewhere = [["三年级", "1班", "林小雨", "女", "", pupils[0].student_no.lower(), "", "", ""]]
    refused = run_import_bytes(
        sibling, csv_bytes(elsewhere), kind="students", dry_run=True, actor=outsider_principal
    )
    assert not refused["ok"] and "another school" in json.dumps(refused["errors"])
