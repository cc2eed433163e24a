"""Roster API, reading and importing: who sees which grades, classes, students, staff and parents
(county, school, head teacher, parent, the sibling county), masking, and the import upload with
the CLI's JSON contract. Writes through the API: test_api_writes.py."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safecampus.accounts.models import User
from safecampus.roster.files import MAX_BYTES
from safecampus.roster.models import StaffPost, Student
from safecampus.roster.runner import run_import_bytes

from .api_cast import API, assert_json_error, roster_fixture, snapshot  # noqa: F401  (fixture)
from .factories import csv_bytes, student_rows, xlsx_bytes


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def ids(response) -> set[int]:
    return {item["id"] for item in items(response)}


def k1_students() -> set[int]:
    return set(Student.objects.filter(unit__code__startswith="demo-c1-k1").values_list("pk", flat=True))


# --- scoping -----------------------------------------------------------------------------


def test_county_sees_its_schools_students_only(roster, county, api_client_for):
    client = api_client_for(county)
    assert ids(client.get(f"{API}/students", {"limit": 500})) == k1_students()
    assert len(k1_students()) == 6
    listed = client.get(f"{API}/students", {"school": "demo-c1-k2-s1"})
    assert items(listed) == []


def test_head_teacher_sees_only_their_class(roster, head_teacher, api_client_for):
    client = api_client_for(head_teacher)
    mine = {s.pk for s in roster.students(roster.class1)}
    assert ids(client.get(f"{API}/students")) == mine
    other = roster.students(roster.class2)[0]
    body = assert_json_error(client.get(f"{API}/students/{other.pk}"), 404)
    assert other.name not in json.dumps(body, ensure_ascii=False)
    parents = items(client.get(f"{API}/parents"))
    children = {c["student_id"] for p in parents for c in p["children"]}
    assert children == mine
    other_parent = other.guardians.get().parent
    assert_json_error(client.get(f"{API}/parents/{other_parent.pk}"), 404)
    # Classes are the school's own information: all of them, with the head teacher named.
    by_id = {c["id"]: c for c in items(client.get(f"{API}/classes", {"school": "demo-c1-k1-s1"}))}
    assert by_id[roster.class1.pk]["head_teacher"] == {"id": head_teacher.pk, "name": head_teacher.name}
    assert by_id[roster.class1.pk]["student_count"] == 3


def test_parent_sees_only_their_children(roster, api_client_for):
    client = api_client_for(roster.parent)
    children = {s.pk for s in roster.children}
    assert len(children) == 2
    assert ids(client.get(f"{API}/students")) == children
    stranger = roster.students(roster.class2)[0]
    assert_json_error(client.get(f"{API}/students/{stranger.pk}"), 404)
    [me] = items(client.get(f"{API}/parents"))
    assert me["id"] == roster.parent.pk and {c["student_id"] for c in me["children"]} == children
    assert items(client.get(f"{API}/staff")) == []


def test_student_sees_themselves(roster, api_client_for):
    student = roster.students(roster.class2)[1]
    assert ids(api_client_for(student.user).get(f"{API}/students")) == {student.pk}


@pytest.mark.parametrize("who", ["outsider", "outsider_principal"])
def test_sibling_county_sees_nothing(request, who, roster, api_client_for):
    client = api_client_for(request.getfixturevalue(who))
    student = roster.students(roster.class1)[0]
    parent = roster.parent
    post = StaffPost.objects.create(user=User.objects.get(username="demo_guard"), post="保安", role="guard",
                                    unit=roster.school, unit_path=roster.school.path)  # fmt: skip
    secrets = [student.name, roster.school.name, parent.name, "demo-c1-k1"]
    for url in (
        f"{API}/grades/{roster.class1.grade_id}",
        f"{API}/classes/{roster.class1.pk}",
        f"{API}/students/{student.pk}",
        f"{API}/staff/{post.pk}",
        f"{API}/parents/{parent.pk}",
    ):
        response = client.get(url)
        assert assert_json_error(response, 404) == {"detail": "Not found."}, url
    for route in ("grades", "classes", "students", "staff", "parents"):
        for params in ({"school": "demo-c1-k1-s1"}, {"q": student.name}, {"class_id": roster.class1.pk}):
            if route in ("grades", "classes") and "q" in params:
                continue
            if "class_id" in params and route not in ("students", "parents"):
                continue
            response = client.get(f"{API}/{route}", params)
            assert response.json() == {"items": [], "count": 0}, (route, params)
        listed = client.get(f"{API}/{route}", {"limit": 500}).content.decode()
        assert not [s for s in secrets if s in listed], route


def test_missing_and_forbidden_look_alike(roster, outsider, api_client_for):
    client = api_client_for(outsider)
    student = roster.students(roster.class1)[0]
    assert client.get(f"{API}/students/{student.pk}").json() == client.get(f"{API}/students/999999").json()


def test_staff_visible_to_people_managers_and_oneself(roster, school_admin, head_teacher, api_client_for):
    staff = "姓名,手机,岗位,年级,班级\r\n张丽,13863310008,班主任,三年级,1班\r\n钱多多,13863319902,食堂,,\r\n"
    result = run_import_bytes(
        roster.school, staff.encode("gbk"), kind="staff", dry_run=False, actor=school_admin
    )
    assert result["ok"], result
    everyone = items(api_client_for(school_admin).get(f"{API}/staff"))
    assert {s["post"] for s in everyone} == {"班主任", "食堂"}
    [own] = items(api_client_for(head_teacher).get(f"{API}/staff"))
    assert own["user_id"] == head_teacher.pk and own["role"] == "head_teacher"
    assert own["phone"] == "138****0008"


# --- shapes and masking ------------------------------------------------------------------


def test_student_detail_masks_id_card_and_phones(roster, county, api_client_for):
    student = roster.children[0]
    body = api_client_for(county).get(f"{API}/students/{student.pk}").json()
    card, phone = roster.rows[0][4], roster.rows[0][7]
    assert body["id_card"] == f"{card[:4]}{'*' * 11}{card[-3:]}"
    [guardian] = body["guardians"]
    assert guardian == {"user_id": roster.parent.pk, "name": roster.parent.name,
                        "phone": f"{phone[:3]}****{phone[-4:]}", "relation": "父亲"}  # fmt: skip
    text = json.dumps(body)
    assert card not in text and phone not in text
    assert body["school_class"]["display_name"] == "三年级1班"
    assert body["school"]["code"] == "demo-c1-k1-s1" and body["status"] == "enrolled"
    assert body["username"] == student.user.username


def test_list_filters(roster, county, api_client_for):
    client = api_client_for(county)
    class1 = {s.pk for s in roster.students(roster.class1)}
    assert ids(client.get(f"{API}/students", {"class_id": roster.class1.pk})) == class1
    name = roster.students(roster.class2)[0].name
    found = items(client.get(f"{API}/students", {"q": name}))
    assert found and all(name in s["name"] for s in found)
    assert items(client.get(f"{API}/students", {"status": "graduated"})) == []
    grades = items(client.get(f"{API}/grades", {"school": "DEMO-C1-K1-S1 ", "level": 3}))
    assert [(g["level"], g["name"]) for g in grades] == [(3, "三年级")]
    year = grades[0]["school_year"]
    classes = items(client.get(f"{API}/classes", {"school_year": year, "grade_level": 3}))
    assert [c["number"] for c in classes] == [1, 2]
    assert items(client.get(f"{API}/classes", {"grade_level": 4})) == []
    parents = items(client.get(f"{API}/parents", {"class_id": roster.class2.pk}))
    assert len(parents) == 3 and roster.parent.pk not in {p["id"] for p in parents}


def test_student_list_query_count_is_fixed(roster, county, api_client_for, django_assert_max_num_queries):
    client = api_client_for(county)
    client.get(f"{API}/students")  # token check, caches
    with django_assert_max_num_queries(8):
        assert len(items(client.get(f"{API}/students", {"limit": 500}))) == 6
    with django_assert_max_num_queries(8):
        assert items(client.get(f"{API}/parents", {"limit": 500}))


def test_openapi_lists_the_roster_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("grades", "classes", "students", "staff", "parents"):
        assert f"{API}/{path}" in paths and f"{API}/{path}/" not in paths
    assert set(paths[f"{API}/imports"]["post"]["responses"]) >= {"200", "403", "404", "422"}


# --- import upload -----------------------------------------------------------------------


def upload(client, school: str, data: bytes, *, kind: str = "students", dry_run: bool = False, name="s.csv"):
    fields = {"school": school, "kind": kind, "file": SimpleUploadedFile(name, data)}
    if dry_run:
        fields["dry_run"] = "true"
    return client.post(f"{API}/imports", fields)


JUNIOR = "demo-c1-k1-s2"
CONTRACT = {"ok", "created", "updated", "unchanged", "errors"}


def test_import_ok_then_idempotent(county, api_client_for):
    client = api_client_for(county)
    data = csv_bytes(student_rows(5))
    response = upload(client, JUNIOR, data)
    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "created": 5, "updated": 0, "unchanged": 0, "errors": []}
    assert Student.objects.filter(unit__code=JUNIOR).count() == 5
    again = upload(client, JUNIOR, xlsx_bytes(student_rows(5)), name="again.xlsx")
    assert again.json() == {"ok": True, "created": 0, "updated": 0, "unchanged": 5, "errors": []}


def test_import_dry_run_writes_nothing(county, api_client_for):
    client = api_client_for(county)
    before = snapshot()
    response = upload(client, JUNIOR, csv_bytes(student_rows(4)), dry_run=True)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "created": 4, "updated": 0, "unchanged": 0, "errors": []}
    assert snapshot() == before


def test_import_rejected_file_is_422_with_rows_and_nothing_written(county, api_client_for):
    rows = student_rows(4)
    rows[2][7] = "1380013800"  # ten digits
    client = api_client_for(county)
    before = snapshot()
    response = upload(client, JUNIOR, csv_bytes(rows))
    assert response.status_code == 422
    body = response.json()
    assert set(body) == CONTRACT and body["ok"] is False
    assert body["errors"] == [{"row": 4, "column": "Parent mobile",
                               "message": "“1380013800” is not a mainland mobile number."}]  # fmt: skip
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xlsx"),
        (b"PK\x03\x04" + b"\x13" * 300, "Excel workbook"),
        (b"", "empty"),
        (b"hello,world\r\n1,2\r\n", "header row"),
        (b'"' + b"x" * 200_000, "quotes"),
    ],
)
def test_import_unreadable_files_are_rejected_not_500(county, api_client_for, data, message):
    response = upload(api_client_for(county), JUNIOR, data)
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["row"] == 0 and message in error["message"]


def test_import_file_over_50_mb_is_refused(county, api_client_for):
    client = api_client_for(county)
    before = snapshot()
    response = upload(client, JUNIOR, b"a" * (MAX_BYTES + 1))
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "The file is larger than 50 MB."
    assert snapshot() == before


def test_import_staff_kind(county, api_client_for, school):
    csv = "姓名,手机,岗位\r\n钱多多,13863319902,宿管\r\n".encode("gbk")
    response = upload(api_client_for(county), "demo-c1-k1-s1", csv, kind="staff")
    assert response.json() == {"ok": True, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    post = StaffPost.objects.get(unit=school)
    assert (post.post, post.role, post.user.name) == ("宿管", "staff", "钱多多")


def test_import_acts_as_the_api_user_not_the_operator(county, api_client_for):
    from safecampus.core.models import AuditEvent

    upload(api_client_for(county), JUNIOR, csv_bytes(student_rows(2)))
    event = AuditEvent.objects.filter(verb="roster.students_imported").latest("id")
    assert event.actor_id == county.pk and event.after["file"] == "s.csv"


def test_import_refusals(roster, head_teacher, outsider, api_client_for):
    teacher, stranger = api_client_for(head_teacher), api_client_for(outsider)
    before = snapshot()
    data = csv_bytes(student_rows(2, grade="三年级", seed=3, year=2017))
    assert_json_error(upload(teacher, "demo-c1-k1-s1", data), 403)
    assert_json_error(upload(teacher, "demo-c1-k1-s1", data, dry_run=True), 403)
    response = upload(stranger, "demo-c1-k1-s1", data)
    assert assert_json_error(response, 404) == {"detail": "Not found."}
    assert_json_error(upload(stranger, "no-such-school", data), 404)
    assert snapshot() == before


def test_import_needs_the_form_fields(county, api_client_for):
    client = api_client_for(county)
    body = assert_json_error(client.post(f"{API}/imports", {"school": JUNIOR, "kind": "students"}), 422)
    assert body["detail"][0]["loc"][-1] == "file"
    response = upload(client, JUNIOR, b"x", kind="teachers")
    assert_json_error(response, 422)
    assert_json_error(client.post(f"{API}/imports", "{}", content_type="application/json"), 422)


def test_import_of_a_county_code_is_not_found(county, api_client_for):
    assert_json_error(upload(api_client_for(county), "demo-c1-k1", csv_bytes(student_rows(1))), 404)
