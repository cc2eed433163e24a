"""The register's pages: register with filters and counts, device page, the check page a label
opens (pass/fail form with a camera photo), the QR label sheet, the bureau's ranking; outsiders
get 404 everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.fire import checks
from safecampus.fire.models import DeviceCheck, FireDevice
from safecampus.hazards.models import Hazard

from .conftest import cid, jpeg

pytestmark = pytest.mark.django_db


def test_register_filters_and_counts(client_for, safety, school, make_device, django_assert_max_num_queries):
    make_device(production_date=dt.date(2010, 1, 1), building="宿舍楼")
    for _ in range(3):
        make_device(type="hydrant")
    c = client_for(safety)
    url = f"/fire/units/{school.pk}/"
    with django_assert_max_num_queries(20):
        body = c.get(url).content.decode()
    assert body.count('href="/fire/devices/') == 4 and 'id="count-expired"' in body
    assert c.get(url, {"status": "expired"}).content.decode().count('href="/fire/devices/') == 1
    assert c.get(url, {"type": "hydrant"}).content.decode().count('href="/fire/devices/') == 3
    assert c.get(url, {"building": "宿舍楼"}).content.decode().count('href="/fire/devices/') == 1
    assert c.get(url, {"unchecked": "1"}).content.decode().count('href="/fire/devices/') == 4
    assert c.get("/fire/").status_code == 302


def test_add_edit_service_retire_through_pages(client_for, safety, school):
    c = client_for(safety)
    resp = c.post(
        f"/fire/units/{school.pk}/new/",
        {
            "code": "MHQ-101",
            "type": "extinguisher_co2",
            "building": "实验楼",
            "floor": "2F",
            "location": "化学实验室",
            "production_date": "2020-04-01",
        },
    )
    device = FireDevice.objects.get(unit=school, code="MHQ-101")
    assert resp.status_code == 302 and device.expires_on == dt.date(2032, 4, 1)
    dup = c.post(
        f"/fire/units/{school.pk}/new/",
        {"code": "mhq-101", "type": "hydrant", "building": "A", "location": "B"},
    )
    assert dup.status_code == 200 and "already has a device with this code" in dup.content.decode()
    c.post(
        f"/fire/devices/{device.pk}/edit/",
        {
            "code": "MHQ-101",
            "type": "extinguisher_co2",
            "building": "实验楼",
            "floor": "3F",
            "location": "物理实验室",
            "production_date": "2020-04-01",
        },
    )
    device.refresh_from_db()
    assert device.floor == "3F"
    c.post(f"/fire/devices/{device.pk}/service/", {"date": dt.date.today().isoformat(), "note": "年度检测"})
    device.refresh_from_db()
    assert device.last_service_date == dt.date.today()
    c.post(f"/fire/devices/{device.pk}/retire/", {"reason": "报废"})
    device.refresh_from_db()
    assert device.state == "retired"


def test_guard_cannot_keep_the_register(client_for, guard, school, make_device):
    c = client_for(guard)
    assert c.get(f"/fire/units/{school.pk}/new/").status_code == 403
    assert c.get(f"/fire/devices/{make_device().pk}/edit/").status_code == 403


def test_scan_check_page_pass_and_fail(client_for, guard, school, make_device):
    device = make_device(location="东港区样本二楼走廊")
    c = client_for(guard)
    url = f"/fire/d/{school.pk}/{device.code.lower()}/"  # the code as a scanner may send it
    page = c.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and 'id="result-fail"' in page
    key = cid()
    before = Hazard.objects.count()
    resp = c.post(url, {"client_id": key, "result": "fail", "note": "灭火器缺失", "photos": [jpeg()]})
    assert resp.status_code == 302 and resp["Location"] == f"/fire/devices/{device.pk}/"
    assert Hazard.objects.count() == before + 1
    again = c.post(url, {"client_id": key, "result": "fail", "note": "灭火器缺失", "photos": [jpeg()]})
    assert again.status_code == 302 and Hazard.objects.count() == before + 1
    check = DeviceCheck.objects.get(device=device)
    detail = c.get(f"/fire/devices/{device.pk}/").content.decode()
    assert check.hazard.number in detail and 'id="open-hazards"' in detail
    photo = check.photos.get()
    assert c.get(f"/fire/checks/{check.pk}/photos/{photo.pk}/").status_code == 200
    hazard_page = c.get(f"/hazards/{check.hazard_id}/").content.decode()
    assert f'href="/fire/devices/{device.pk}/"' in hazard_page  # linked back from the hazard


def test_check_page_refuses_a_non_image(client_for, guard, school, make_device):
    device = make_device()
    c = client_for(guard)
    fake = jpeg().__class__("p.jpg", b"GIF89a broken", content_type="image/jpeg")
    resp = c.post(
        f"/fire/d/{school.pk}/{device.code}/",
        {"client_id": cid(), "result": "fail", "note": "坏了", "photos": [fake]},
    )
    assert resp.status_code == 200 and "not an image" in resp.content.decode()
    assert not DeviceCheck.objects.filter(device=device).exists()


def test_labels_pdf(client_for, safety, school, make_device):
    make_device()
    make_device(building="综合楼")
    resp = client_for(safety).get(f"/fire/units/{school.pk}/labels.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF-")


def test_bureau_ranking(client_for, county, county_unit, school, make_device, guard):
    make_device(production_date=dt.date(2010, 1, 1))
    checks.record_check(make_device(), actor=guard, data={"client_id": cid(), "result": "pass"})
    c = client_for(county)
    body = c.get(f"/fire/units/{county_unit.pk}/").content.decode()
    assert school.name in body and 'id="units-table"' in body
    assert '<div class="fs-4" id="total-devices">2</div>' in body
    assert '<div class="fs-4 text-danger" id="total-expired">1</div>' in body
    assert '<div class="fs-4" id="total-checked">1</div>' in body


def test_outsiders_get_404(client_for, outsider, outsider_principal, school, make_device, guard):
    device = make_device()
    check, _ = checks.record_check(
        device, actor=guard, data={"client_id": cid(), "result": "fail", "note": "x"}, photos=[jpeg()]
    )
    photo = check.photos.get()
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in (
            f"/fire/units/{school.pk}/",
            f"/fire/units/{school.pk}/new/",
            f"/fire/units/{school.pk}/labels.pdf",
            f"/fire/devices/{device.pk}/",
            f"/fire/devices/{device.pk}/edit/",
            f"/fire/d/{school.pk}/{device.code}/",
            f"/fire/checks/{check.pk}/photos/{photo.pk}/",
        ):
            assert c.get(url).status_code == 404, url
        assert (
            c.post(f"/fire/d/{school.pk}/{device.code}/", {"client_id": cid(), "result": "pass"}).status_code
            == 404
        )
        assert c.post(f"/fire/devices/{device.pk}/retire/").status_code == 404
    assert DeviceCheck.objects.filter(device=device).count() == 1


def test_today_cards(client_for, safety, make_device, guard):
    from safecampus.core.today import cards_for

    make_device(production_date=dt.date(2010, 1, 1))
    bad = make_device()
    checks.record_check(bad, actor=guard, data={"client_id": cid(), "result": "fail", "note": "x"})
    make_device()
    cards = {c["key"]: c["count"] for c in cards_for(safety)}
    assert cards["fire.expired"] == 1 and cards["fire.failed"] == 1 and cards["fire.unchecked"] == 2
    assert "fire.expired" not in {c["key"] for c in cards_for(guard)}
