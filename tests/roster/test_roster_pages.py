"""Roster pages: class list, class, student, my class, my children; each scoped by role."""

from __future__ import annotations

import pytest

from safecampus.accounts.models import User
from safecampus.core import crypto
from safecampus.roster.models import SchoolClass, Student

from .factories import student_rows
from .ui import import_staff, import_students


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roster(school, principal, head_teacher):
    """Grade 3 of the demo primary school: 12 students in classes 1–3, 张丽 heads class 1;
    the parent of row 2 also has a child in class 2 (same mobile number)."""
    rows = student_rows(12, grade="三年级", classes=3)
    rows[4][6], rows[4][7], rows[4][8] = rows[0][6], rows[0][7], "母亲"  # class 2, same parent as row 0
    import_students(school, principal, rows)
    import_staff(school, principal, [["张丽", "女", head_teacher.phone, "", "班主任", "三年级", "1班"]])
    klass = {c.number: c for c in SchoolClass.objects.filter(grade__unit=school, grade__level=3)}
    parent = User.objects.get(phone_hash=crypto.lookup_hash(rows[0][7]))
    return {"rows": rows, "classes": klass, "parent": parent}


def student(name_row: list[str]) -> Student:
    return Student.objects.get(id_card_hash=crypto.lookup_hash(name_row[4]))


def test_class_list_counts_in_one_query_per_table(
    school, principal, client_for, roster, django_assert_max_num_queries
):
    c = client_for(principal)
    c.get("/")  # warm the session
    # session, user, memberships, unit; years, grades, classes; session save (savepoint, update, release);
    # the inbox badge's unread count
    with django_assert_max_num_queries(11):
        page = c.get(f"/roster/schools/{school.pk}/classes/")
    html = page.content.decode()
    assert page.status_code == 200
    for number in (1, 2, 3):
        assert f"三年级{number}班" in html
    assert "张丽" in html and "12 students" in html


def test_class_list_query_count_does_not_grow(
    school, principal, client_for, roster, django_assert_max_num_queries
):
    import_students(
        school, principal, student_rows(30, grade="五年级", classes=6, seed=7, phone_base=13700000000)
    )
    c = client_for(principal)
    c.get("/")
    with django_assert_max_num_queries(11):  # as above
        assert c.get(f"/roster/schools/{school.pk}/classes/").status_code == 200


def test_class_page_search_filters_and_masks(principal, client_for, roster):
    c = client_for(principal)
    klass = roster["classes"][1]
    rows = [r for r in roster["rows"] if r[1] == "1班"]
    html = c.get(f"/roster/classes/{klass.pk}/").content.decode()
    assert all(r[2] in html for r in rows)
    assert rows[0][4] not in html and crypto.mask_id_card(rows[0][4]) in html  # masked ID card
    found = c.get(f"/roster/classes/{klass.pk}/", {"q": rows[1][2]}).content.decode()
    assert rows[1][2] in found
    by_card = c.get(f"/roster/classes/{klass.pk}/", {"q": rows[2][4]}).content.decode()
    assert by_card.count('href="/roster/students/') == 1 and rows[2][2] in by_card
    girls = c.get(f"/roster/classes/{klass.pk}/", {"gender": "F"}).content.decode()
    assert girls.count('href="/roster/students/') == sum(r[3] == "女" for r in rows)
    boarding = c.get(f"/roster/classes/{klass.pk}/", {"boarding": "yes"}).content.decode()
    assert "No student matches these filters." in boarding
    assert c.get(f"/roster/classes/{klass.pk}/", {"status": "graduated", "gender": "X"}).status_code == 200


def test_student_page_masks_phones(principal, client_for, roster):
    row = roster["rows"][0]
    html = client_for(principal).get(f"/roster/students/{student(row).pk}/").content.decode()
    assert row[2] in html and row[6] in html
    assert row[7] not in html and crypto.mask_phone(row[7]) in html
    assert row[4] not in html


def test_head_teacher_sees_only_their_class(school, head_teacher, client_for, roster):
    c = client_for(head_teacher)
    mine, other = roster["classes"][1], roster["classes"][2]
    page = c.get("/roster/my-class/").content.decode()
    assert f"/roster/classes/{mine.pk}/" in page and f"/roster/classes/{other.pk}/" not in page
    assert "My class" in c.get("/").content.decode()
    assert c.get(f"/roster/classes/{mine.pk}/").status_code == 200
    assert c.get(f"/roster/classes/{other.pk}/").status_code == 404
    in_mine = next(r for r in roster["rows"] if r[1] == "1班")
    in_other = next(r for r in roster["rows"] if r[1] == "2班")
    assert c.get(f"/roster/students/{student(in_mine).pk}/").status_code == 200
    assert c.get(f"/roster/students/{student(in_other).pk}/").status_code == 404
    assert c.get(f"/roster/schools/{school.pk}/classes/").status_code == 403
    assert c.get("/roster/").status_code == 302


def test_parent_sees_only_their_children(school, client_for, roster):
    parent = roster["parent"]
    User.objects.filter(pk=parent.pk).update(must_change_password=False)
    c = client_for(parent)
    page = c.get("/roster/my-children/").content.decode()
    rows = roster["rows"]
    mine = [rows[0], rows[4]]
    assert all(r[2] in page for r in mine) and "张丽" in page  # head teacher of class 1
    assert rows[1][2] not in page
    assert "My children" in c.get("/").content.decode()
    for r in mine:
        assert c.get(f"/roster/students/{student(r).pk}/").status_code == 200
    assert c.get(f"/roster/students/{student(rows[1]).pk}/").status_code == 404
    assert c.get(f"/roster/classes/{roster['classes'][1].pk}/").status_code == 404
    assert c.get(f"/roster/schools/{school.pk}/classes/").status_code == 403


def test_sibling_county_gets_404_everywhere(school, outsider, outsider_principal, client_for, roster):
    from safecampus.roster.models import ImportBatch

    batch = ImportBatch.objects.filter(unit=school).first()
    row = roster["rows"][0]
    urls = [
        f"/roster/schools/{school.pk}/classes/",
        f"/roster/schools/{school.pk}/import/",
        f"/roster/classes/{roster['classes'][1].pk}/",
        f"/roster/students/{student(row).pk}/",
        f"/roster/imports/{batch.pk}/",
        f"/roster/imports/{batch.pk}/progress/",
        f"/roster/imports/{batch.pk}/errors.xlsx",
        f"/roster/imports/{batch.pk}/accounts.xlsx",
    ]
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in urls:
            resp = c.get(url)
            assert resp.status_code == 404, (user, url)
            assert row[2] not in resp.content.decode()
        assert c.post(f"/roster/imports/{batch.pk}/apply/").status_code == 404
        for url in ("/roster/my-class/", "/roster/my-children/"):
            assert row[2] not in c.get(url).content.decode()


def test_roster_home_by_role(school, county, principal, client_for, roster):
    page = client_for(county).get("/roster/").content.decode()
    assert school.name in page and f"/roster/schools/{school.pk}/import/" in page
    assert "西岭区" not in page
    resp = client_for(principal).get("/roster/")
    assert resp.status_code == 302 and resp["Location"] == f"/roster/schools/{school.pk}/classes/"
    nav = client_for(principal).get(f"/roster/schools/{school.pk}/classes/").content.decode()
    assert 'class="dropdown-item active" href="/roster/"' in nav  # in the people group of the bar


def test_leader_sees_the_roster_but_cannot_import(school, client_for, roster):
    from safecampus.accounts.services import create_user
    from safecampus.core.models import Unit

    op = User.objects.get(username="demo_operator")
    leader, _ = create_user(
        actor=op,
        unit=Unit.objects.get(code="demo-c1-k1"),
        role="leader",
        username="k1_leader",
        name="领导",
        password="Leader@2026",
    )
    c = client_for(leader)
    page = c.get("/roster/").content.decode()
    assert school.name in page and f"/roster/schools/{school.pk}/import/" not in page
    assert c.get(f"/roster/schools/{school.pk}/classes/").status_code == 200
    assert c.get(f"/roster/schools/{school.pk}/import/").status_code == 403
