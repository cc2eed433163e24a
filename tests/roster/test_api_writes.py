"""Roster API, writing: grades, classes, students, staff and parents through the services — who may,
what is validated (bad ID card, bad phone → clear JSON errors, nothing changed), what is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict
from safecampus.core.models import AuditEvent, Membership
from safecampus.roster import services
from safecampus.roster.enrollment import STUDENT_TRANSITIONS
from safecampus.roster.models import SchoolClass, StaffPost, Student, StudentStatus

from .api_cast import API, assert_json_error, patch_json, post_json, roster_fixture, snapshot  # noqa: F401
from .factories import id_card

CARD = id_card(dt.date(2017, 3, 9), "F", 77)  # a valid girl's ID card
BAD_CARD = CARD[:-1] + ("0" if CARD[-1] != "0" else "1")


def new_student(roster, **change) -> dict:
    return {"class_id": roster.class1.pk, "name": "林小雨", "gender": "F", "id_card": CARD,
            "student_no": "K1S19001", "parent_name": "林大海", "parent_phone": "13512345678",
            "relation": "父亲", **change}  # fmt: skip


# --- students ----------------------------------------------------------------------------


def test_school_admin_enrols_a_student_with_accounts(roster, school_admin, api_client_for):
    response = post_json(api_client_for(school_admin), f"{API}/students", new_student(roster))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["school_class"]["id"] == roster.class1.pk and body["birth_date"] == "2017-03-09"
    assert body["id_card"].startswith("3702") and "*" in body["id_card"]
    assert [c["kind"] for c in body["credentials"]] == ["student", "parent"]
    student = Student.objects.select_related("user").get(pk=body["id"])
    assert student.user.username == body["credentials"][0]["username"] and student.user.must_change_password
    assert "k1s19001" not in student.user.username  # usernames carry nothing personal
    assert student.user.check_password(body["credentials"][0]["password"])
    assert Membership.objects.filter(user=student.user, unit=roster.school, role="student").exists()
    parent = User.objects.get(username=body["credentials"][1]["username"])
    assert parent.phone == "13512345678" and parent.guardianships.get().relation == "父亲"
    event = AuditEvent.objects.get(verb="student.created", target_id=str(student.pk))
    assert event.actor_id == school_admin.pk and CARD not in str(event.after)


def test_a_known_parent_phone_reuses_the_parent(roster, school_admin, api_client_for):
    phone = roster.rows[0][7]
    payload = new_student(roster, parent_name=roster.parent.name, parent_phone=phone, relation="母亲")
    body = post_json(api_client_for(school_admin), f"{API}/students", payload).json()
    assert [c["kind"] for c in body["credentials"]] == ["student"]
    assert roster.parent.guardianships.count() == 3


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"id_card": BAD_CARD}, 400, "id_card"),
        ({"gender": "M"}, 400, "id_card"),  # the ID card says girl
        ({"birth_date": "2016-01-01"}, 400, "birth_date"),
        ({"parent_phone": "1351234567"}, 400, "parent_phone"),
        ({"parent_phone": "23512345678"}, 400, "parent_phone"),
        ({"parent_name": ""}, 400, "parent_name"),
        ({"id_card": "", "student_no": ""}, 400, "id_card"),
        ({"student_no": "K1S1-01"}, 400, "student_no"),
        ({"name": "   "}, 400, "name"),
        ({"gender": "X"}, 422, None),
        ({"birth_date": "yesterday"}, 422, None),
        ({"name": "林" * 61}, 422, None),
        ({"status": "enrolled"}, 422, None),  # unknown field
        ({"class_id": "abc"}, 422, None),
    ],
)
def test_bad_student_input_changes_nothing(roster, school_admin, api_client_for, change, status, field):
    client = api_client_for(school_admin)
    before = snapshot()
    body = assert_json_error(post_json(client, f"{API}/students", new_student(roster, **change)), status)
    if field:
        assert body["field"] == field, body
    else:
        assert isinstance(body["detail"], list)
    assert snapshot() == before


def test_duplicates_are_refused(roster, school_admin, api_client_for):
    client = api_client_for(school_admin)
    existing = roster.rows[1]
    before = snapshot()
    body = assert_json_error(post_json(client, f"{API}/students", new_student(roster, id_card=existing[4],
                                                                              gender="M")), 400)  # fmt: skip
    assert body["field"] == "id_card"
    body = assert_json_error(
        post_json(client, f"{API}/students", new_student(roster, student_no=existing[5])), 400
    )
    assert body["field"] == "student_no"
    body = assert_json_error(post_json(client, f"{API}/students", new_student(roster, parent_name="别人",
                                       parent_phone=roster.rows[0][7])), 400)  # fmt: skip
    assert body["field"] == "parent_phone"  # that number is another person's account
    assert snapshot() == before


def test_enrol_refusals(roster, head_teacher, outsider, api_client_for):
    teacher, stranger = api_client_for(head_teacher), api_client_for(outsider)
    before = snapshot()
    assert_json_error(post_json(teacher, f"{API}/students", new_student(roster)), 403)
    assert_json_error(post_json(stranger, f"{API}/students", new_student(roster)), 404)
    assert snapshot() == before


def test_manager_corrects_a_student(roster, school_admin, api_client_for):
    student = roster.students(roster.class1)[1]
    url = f"{API}/students/{student.pk}"
    response = patch_json(api_client_for(school_admin), url, {"name": "改名字", "class_id": roster.class2.pk})
    assert response.status_code == 200, response.content
    assert response.json()["school_class"]["id"] == roster.class2.pk
    student.refresh_from_db()
    assert student.name == "改名字" and student.user.name == "改名字"
    event = AuditEvent.objects.get(verb="student.updated", target_id=str(student.pk))
    assert event.before["name"] != event.after["name"] == "改名字"


def test_new_id_card_brings_its_birth_date(roster, school_admin, api_client_for):
    student = roster.children[0]  # a girl (row 0)
    card = id_card(dt.date(2016, 12, 24), "F", 5)
    body = patch_json(api_client_for(school_admin), f"{API}/students/{student.pk}", {"id_card": card}).json()
    assert body["birth_date"] == "2016-12-24" and body["id_card"] == f"{card[:4]}{'*' * 11}{card[-3:]}"
    event = AuditEvent.objects.get(verb="student.updated", target_id=str(student.pk))
    assert event.after["id_card_changed"] is True and card not in str(event.after)


def test_bad_student_patch_changes_nothing(roster, school_admin, api_client_for):
    client = api_client_for(school_admin)
    student, other = roster.students(roster.class1)[:2]
    url = f"{API}/students/{student.pk}"
    before = snapshot(), Student.objects.values().get(pk=student.pk)
    assert assert_json_error(patch_json(client, url, {"id_card": BAD_CARD}), 400)["field"] == "id_card"
    assert (
        assert_json_error(patch_json(client, url, {"student_no": other.student_no}), 400)["field"]
        == "student_no"
    )
    assert assert_json_error(patch_json(client, url, {"class_id": 10**9}), 400)["field"] == "class_id"
    assert_json_error(patch_json(client, url, {"name": "新名字", "status": "graduated", "gender": "X"}), 422)
    assert_json_error(patch_json(client, url, {"name": "新名字", "id_card": BAD_CARD}), 400)
    assert (snapshot(), Student.objects.values().get(pk=student.pk)) == before


def test_head_teacher_may_change_boarding_only(roster, head_teacher, api_client_for):
    client = api_client_for(head_teacher)
    mine, theirs = roster.students(roster.class1)[0], roster.students(roster.class2)[0]
    response = patch_json(client, f"{API}/students/{mine.pk}", {"boarding": True})
    assert response.status_code == 200 and response.json()["boarding"] is True
    body = assert_json_error(patch_json(client, f"{API}/students/{mine.pk}", {"name": "改名"}), 400)
    assert "boards" in body["detail"]
    assert_json_error(patch_json(client, f"{API}/students/{mine.pk}", {"status": "suspended"}), 403)
    assert_json_error(patch_json(client, f"{API}/students/{theirs.pk}", {"boarding": True}), 404)
    mine.refresh_from_db()
    assert mine.name != "改名" and mine.status == "enrolled"


def test_parent_cannot_edit_their_child(roster, api_client_for):
    child = roster.children[0]
    assert_json_error(
        patch_json(api_client_for(roster.parent), f"{API}/students/{child.pk}", {"boarding": True}), 403
    )


def test_status_through_the_api(roster, school_admin, api_client_for):
    client = api_client_for(school_admin)
    student = roster.students(roster.class2)[0]
    url = f"{API}/students/{student.pk}"
    assert patch_json(client, url, {"status": "suspended"}).json()["status"] == "suspended"
    assert patch_json(client, url, {"status": "enrolled"}).json()["status"] == "enrolled"
    assert patch_json(client, url, {"status": "graduated"}).json()["status"] == "graduated"
    assert_json_error(patch_json(client, url, {"status": "enrolled"}), 409)
    changes = AuditEvent.objects.filter(target_id=str(student.pk), verb="roster.student_status_changed")
    assert [e.after["status"] for e in changes.order_by("id")] == ["suspended", "enrolled", "graduated"]


@pytest.mark.parametrize("start", StudentStatus.values)
@pytest.mark.parametrize("target", StudentStatus.values)
def test_every_status_transition(roster, school_admin, start, target):
    student = roster.students(roster.class2)[0]
    Student.objects.filter(pk=student.pk).update(status=start)
    allowed = {(src, dst) for sources, dst, *_rest in STUDENT_TRANSITIONS.values() for src in sources}
    if start == target or (start, target) in allowed:
        assert services.set_student_status(student, target, actor=school_admin).status == target
    else:
        with pytest.raises(Conflict):
            services.set_student_status(student, target, actor=school_admin)
        student.refresh_from_db()
        assert student.status == start


def test_status_needs_a_manager(roster, head_teacher):
    with pytest.raises(PermissionDenied):
        services.set_student_status(roster.students(roster.class1)[0], "suspended", actor=head_teacher)


# --- grades and classes ------------------------------------------------------------------


def test_grades_create_and_rename(roster, school_admin, head_teacher, api_client_for):
    client = api_client_for(school_admin)
    response = post_json(
        client, f"{API}/grades", {"school": "demo-c1-k1-s1", "school_year": 2026, "level": 5}
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "五年级"
    grade_id = response.json()["id"]
    again = post_json(client, f"{API}/grades", {"school": "demo-c1-k1-s1", "school_year": 2026, "level": 5})
    assert assert_json_error(again, 400)["field"] == "level"
    junior = post_json(client, f"{API}/grades", {"school": "demo-c1-k1-s1", "school_year": 2026, "level": 8})
    assert assert_json_error(junior, 400)["field"] == "level"  # a primary school has no 八年级
    assert (
        patch_json(client, f"{API}/grades/{grade_id}", {"name": "五年级（新）"}).json()["name"]
        == "五年级（新）"
    )
    assert_json_error(
        patch_json(api_client_for(head_teacher), f"{API}/grades/{grade_id}", {"name": "x"}), 403
    )
    assert (
        AuditEvent.objects.filter(
            verb__in=["grade.created", "grade.updated"], target_id=str(grade_id)
        ).count()
        == 2
    )


def test_classes_are_normalised(roster, school_admin, api_client_for):
    client = api_client_for(school_admin)
    grade = roster.class1.grade
    created = post_json(client, f"{API}/classes", {"grade_id": grade.pk, "name": "（３）班"})
    assert created.status_code == 201, created.content
    assert (created.json()["number"], created.json()["name"]) == (3, "（３）班")  # kept as written
    for spelling in ("三班", "03班", "三年级(3)班"):
        body = assert_json_error(
            post_json(client, f"{API}/classes", {"grade_id": grade.pk, "name": spelling}), 400
        )
        assert body["field"] == "name" and "（３）班" in body["detail"]
    body = assert_json_error(
        post_json(client, f"{API}/classes", {"grade_id": grade.pk, "name": "火箭班"}), 400
    )
    assert body["field"] == "name"
    assert SchoolClass.objects.filter(grade=grade).count() == 3


def test_head_teacher_assignment(roster, school_admin, head_teacher, guard, api_client_for):
    client = api_client_for(school_admin)
    url = f"{API}/classes/{roster.class2.pk}"
    body = assert_json_error(patch_json(client, url, {"head_teacher_id": guard.pk}), 400)
    assert body["field"] == "head_teacher_id"  # a guard is not a head teacher
    assert (
        patch_json(client, url, {"head_teacher_id": head_teacher.pk}).json()["head_teacher"]["id"]
        == head_teacher.pk
    )
    assert len(api_client_for(head_teacher).get(f"{API}/students").json()["items"]) == 6
    assert patch_json(client, url, {"head_teacher_id": None}).json()["head_teacher"] is None
    assert_json_error(patch_json(api_client_for(head_teacher), url, {"name": "二班"}), 403)


def test_outsider_cannot_touch_grades_or_classes(roster, outsider, api_client_for):
    client = api_client_for(outsider)
    before = snapshot()
    assert_json_error(post_json(client, f"{API}/grades", {"school": "demo-c1-k1-s1", "level": 4}), 404)
    assert_json_error(
        post_json(client, f"{API}/classes", {"grade_id": roster.class1.grade_id, "name": "9班"}), 404
    )
    assert_json_error(patch_json(client, f"{API}/classes/{roster.class1.pk}", {"name": "9班"}), 404)
    assert_json_error(patch_json(client, f"{API}/grades/{roster.class1.grade_id}", {"name": "x"}), 404)
    assert snapshot() == before


# --- staff -------------------------------------------------------------------------------


def test_staff_post_create_and_update(roster, school_admin, api_client_for):
    client = api_client_for(school_admin)
    payload = {"school": "demo-c1-k1-s1", "name": "钱多多", "phone": "138 6331 9902", "post": "宿管"}
    response = post_json(client, f"{API}/staff", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["post"], body["role"], body["phone"]) == ("宿管", "staff", "138****9902")
    assert [c["kind"] for c in body["credentials"]] == ["staff"]
    assert assert_json_error(post_json(client, f"{API}/staff", payload), 400)["field"] == "post"
    url = f"{API}/staff/{body['id']}"
    changed = patch_json(client, url, {"post": "门卫", "name": "钱多"}).json()
    assert (changed["post"], changed["role"], changed["name"]) == ("门卫", "guard", "钱多")
    person = User.objects.get(pk=body["user_id"])
    assert Membership.objects.filter(user=person, role="guard", is_active=True).exists()
    assert AuditEvent.objects.filter(verb="staff.updated", target_id=str(body["id"])).exists()


def test_existing_colleague_gets_a_post_without_a_new_account(
    roster, school_admin, head_teacher, api_client_for
):
    payload = {"school": "demo-c1-k1-s1", "name": "张丽", "phone": "13863310008", "post": "班主任"}
    body = post_json(api_client_for(school_admin), f"{API}/staff", payload).json()
    assert body["user_id"] == head_teacher.pk and body["credentials"] == []


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"phone": "12345"}, 400, "phone"),
        ({"phone": "13863310008"}, 400, "phone"),  # demo_teacher's number under another name
        ({"id_card": BAD_CARD}, 400, "id_card"),
        ({"post": ""}, 400, "post"),
        ({"role": "principal"}, 422, None),
    ],
)
def test_bad_staff_input_changes_nothing(roster, school_admin, api_client_for, change, status, field):
    client = api_client_for(school_admin)
    before = snapshot()
    payload = {"school": "demo-c1-k1-s1", "name": "钱多多", "phone": "13863319902", "post": "宿管", **change}
    body = assert_json_error(post_json(client, f"{API}/staff", payload), status)
    assert body.get("field") == field
    assert snapshot() == before


def test_staff_refusals(roster, head_teacher, outsider, api_client_for):
    teacher, stranger = api_client_for(head_teacher), api_client_for(outsider)
    payload = {"school": "demo-c1-k1-s1", "name": "钱多多", "phone": "13863319902", "post": "校长"}
    before = snapshot()
    assert_json_error(post_json(teacher, f"{API}/staff", payload), 403)
    assert_json_error(post_json(stranger, f"{API}/staff", payload), 404)
    assert snapshot() == before
    assert StaffPost.objects.count() == 0


# --- parents -----------------------------------------------------------------------------


def test_parent_name_and_relation(roster, school_admin, head_teacher, api_client_for):
    url = f"{API}/parents/{roster.parent.pk}"
    first, second = roster.children
    body = patch_json(api_client_for(school_admin), url, {"relation": "母亲", "student_id": first.pk}).json()
    assert {c["student_id"]: c["relation"] for c in body["children"]} == {first.pk: "母亲", second.pk: "父亲"}
    assert patch_json(api_client_for(school_admin), url, {"name": "罗大海"}).json()["name"] == "罗大海"
    # The head teacher of the children's class may fix the relation, not the parent's name.
    teacher = api_client_for(head_teacher)
    assert patch_json(teacher, url, {"relation": "爷爷"}).status_code == 200
    assert_json_error(patch_json(teacher, url, {"name": "别的名字"}), 403)
    roster.parent.refresh_from_db()
    assert roster.parent.name == "罗大海"
    assert set(roster.parent.guardianships.values_list("relation", flat=True)) == {"爷爷"}
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"guardian.updated", "user.updated"} <= verbs


def test_parent_patch_refusals(roster, outsider, api_client_for):
    url = f"{API}/parents/{roster.parent.pk}"
    client, own = api_client_for(outsider), api_client_for(roster.parent)
    manager = api_client_for(User.objects.get(username="demo_schooladmin"))
    before = snapshot()
    assert_json_error(patch_json(client, url, {"name": "占领"}), 404)
    assert_json_error(patch_json(own, url, {"relation": "外星人"}), 403)
    stranger = roster.students(roster.class2)[0]
    body = assert_json_error(patch_json(manager, url, {"relation": "母亲", "student_id": stranger.pk}), 400)
    assert body["field"] == "student_id"
    assert snapshot() == before
