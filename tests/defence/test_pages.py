"""The register's pages: the school's register (counts, minimum, three-100% facts), the mobile
test form with a camera photo (a failed test raises a hazard), add/edit/retire, closed management
with evidence, the three-100% board with drill-down and the schools falling short, the Excel
export and the county PDF; outsiders get 404 everywhere."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from safecampus.defence import closed
from safecampus.defence.models import ClosedManagement, Equipment, EquipmentTest
from safecampus.hazards.models import Hazard

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def test_register_page_and_forms(client_for, safety, school, make_item):
    cam = make_item(kind="cctv", quantity=3, location="操场", police_linked=False)
    c = client_for(safety)
    body = c.get(f"/security/units/{school.pk}/").content.decode()
    assert 'id="missing"' in body and f'id="item-{cam.pk}"' in body and "Not networked" in body
    assert c.get("/security/").status_code == 302
    alarm = {"kind": "one_click_alarm", "quantity": 1, "location": "门卫室", "police_linked": "on"}
    r = c.post(f"/security/units/{school.pk}/new/", alarm)
    assert (
        r.status_code == 302 and Equipment.objects.filter(kind="one_click_alarm", police_linked=True).exists()
    )
    bad = c.post(
        f"/security/units/{school.pk}/new/", {"kind": "one_click_alarm", "quantity": 0, "location": ""}
    )
    assert bad.status_code == 200 and Equipment.objects.count() == 2
    r = c.post(f"/security/equipment/{cam.pk}/edit/", {"kind": "cctv", "quantity": 5, "location": "操场",
                                                       "police_linked": "on"})  # fmt: skip
    cam.refresh_from_db()
    assert r.status_code == 302 and cam.quantity == 5 and cam.police_linked
    assert c.get(f"/security/equipment/{cam.pk}/").status_code == 200
    r = c.post(f"/security/equipment/{cam.pk}/retire/", {"reason": "损坏"})
    cam.refresh_from_db()
    assert r.status_code == 302 and cam.state == "retired"


def test_mobile_test_with_photo_raises_a_hazard(client_for, safety, make_item):
    item = make_item(kind="one_click_alarm", quantity=1, police_linked=True)
    c = client_for(safety)
    page = c.get(f"/security/equipment/{item.pk}/test/")
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    import uuid

    r = c.post(
        f"/security/equipment/{item.pk}/test/",
        {"client_id": str(uuid.uuid4()), "result": "fail", "note": "按下无响应", "photo": jpeg()},
    )
    assert r.status_code == 302
    test = EquipmentTest.objects.get()
    assert test.photo and test.hazard and Hazard.objects.get(pk=test.hazard_id).photos.count() == 1
    assert c.get(f"/security/tests/{test.pk}/photo/").status_code == 200
    # A fail without a note: the form says why, nothing recorded.
    r = c.post(f"/security/equipment/{item.pk}/test/", {"client_id": str(uuid.uuid4()), "result": "fail"})
    assert (
        r.status_code == 200
        and "Say what is wrong" in r.content.decode()
        and EquipmentTest.objects.count() == 1
    )


def test_closed_management_with_evidence(client_for, safety, school):
    c = client_for(safety)
    r = c.post(f"/security/units/{school.pk}/closed/", {"confirmed": "on", "note": "封闭"})
    assert r.status_code == 200 and "evidence" in r.content.decode() and not ClosedManagement.objects.exists()
    r = c.post(f"/security/units/{school.pk}/closed/", {"confirmed": "on", "evidence": jpeg()})
    assert r.status_code == 302 and closed.of(school).confirmed
    assert c.get(f"/security/units/{school.pk}/closed/evidence/").status_code == 200


def test_board_drill_down_exports(client_for, county, province, school, make_item, safety):
    make_item(kind="cctv", quantity=1, location="东港区操场")
    body = client_for(province).get("/security/three100/").content.decode()
    assert 'id="children-table"' in body and 'id="fig-all_three"' in body
    c = client_for(county)
    body = c.get("/security/three100/?unit=demo-c1-k1").content.decode()
    assert f'id="child-{school.code}"' in body and f'id="short-{school.code}"' in body
    assert 'id="report-pdf"' in body
    body = c.get("/security/three100/?unit=demo-c1-k1&indicator=video_networked").content.decode()
    assert f'id="short-{school.code}"' in body
    assert 'id="school-facts"' in c.get(f"/security/three100/?unit={school.code}").content.decode()
    r = c.get("/security/three100/export.xlsx?unit=demo-c1-k1")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert len(book.sheetnames) == 2
    r = c.get("/security/three100/report.pdf?unit=demo-c1-k1")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_board_in_chinese(client_for, county):
    c = client_for(county)
    c.cookies["django_language"] = "zh-hans"
    body = c.get("/security/three100/?unit=demo-c1-k1").content.decode()
    assert "三个100%" in body and "封闭化管理" in body


def test_outsiders_get_404_on_every_page(client_for, outsider, outsider_principal, school, make_item, safety):
    import uuid

    from safecampus.defence import testing

    item = make_item(kind="cctv", quantity=2, location="东港区校门")
    data = {"client_id": str(uuid.uuid4()), "result": "pass"}
    test, _ = testing.record_test(item, actor=safety, data=data, photo=jpeg())
    urls = [
        f"/security/units/{school.pk}/",
        f"/security/units/{school.pk}/new/",
        f"/security/units/{school.pk}/closed/",
        f"/security/units/{school.pk}/closed/evidence/",
        f"/security/equipment/{item.pk}/",
        f"/security/equipment/{item.pk}/edit/",
        f"/security/equipment/{item.pk}/test/",
        f"/security/tests/{test.pk}/photo/",
        "/security/three100/?unit=demo-c1-k1",
        f"/security/three100/?unit={school.code}",
        "/security/three100/export.xlsx?unit=demo-c1-k1",
        "/security/three100/report.pdf?unit=demo-c1-k1",
    ]
    posts = [
        f"/security/units/{school.pk}/shortfalls/",
        f"/security/equipment/{item.pk}/retire/",
        f"/security/units/{school.pk}/closed/",
    ]
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in urls:
            r = c.get(url)
            assert r.status_code == 404, (user.username, url)
            assert "东港区" not in r.content.decode()
        for url in posts:
            assert c.post(url, {"confirmed": "on"}).status_code == 404, url
    item.refresh_from_db()
    assert item.state == "in_service" and not ClosedManagement.objects.exists()
