"""The inspections API: template list and detail (shapes, scoping, language), check photos
(stored re-encoded, retry once, not an image → 400 on `photo`, only a school's staff)."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from safecampus.checks import services
from safecampus.checks.models import CheckPhoto
from safecampus.core.models import AuditEvent

from .conftest import jpeg, rows

LIST = "/api/v1/inspections/templates"
PHOTOS = "/api/v1/inspections/photos"


def test_list_shape_and_scope(api_client_for, principal, outsider_principal, school_copy, canteen):
    body = api_client_for(principal).get(LIST, {"limit": 500}).json()
    assert set(body) == {"items", "count"} and body["count"] == len(body["items"]) >= 13
    ids = {t["id"] for t in body["items"]}
    assert {school_copy.pk, canteen.pk} <= ids
    row = next(t for t in body["items"] if t["id"] == school_copy.pk)
    assert set(row) == {
        "id",
        "code",
        "title",
        "kind",
        "status",
        "unit",
        "unit_name",
        "published",
        "copied_from",
        "version",
        "item_count",
    }
    assert row["copied_from"] == canteen.pk and row["version"] == 2 and row["item_count"] > 8
    other = api_client_for(outsider_principal).get(LIST, {"limit": 500}).json()
    assert school_copy.pk not in {t["id"] for t in other["items"]} and canteen.pk in {
        t["id"] for t in other["items"]
    }
    own = api_client_for(principal).get(LIST, {"scope": "own"}).json()
    assert {t["id"] for t in own["items"]} == {school_copy.pk}
    daily = api_client_for(principal).get(LIST, {"kind": "daily", "scope": "above"}).json()
    assert {t["kind"] for t in daily["items"]} == {"daily"} and school_copy.pk not in {
        t["id"] for t in daily["items"]
    }


def test_list_limit_is_bounded(api_client_for, principal):
    assert api_client_for(principal).get(LIST, {"limit": 501}).status_code == 422
    assert api_client_for(principal).get(LIST, {"scope": "everything"}).status_code == 422


def test_detail_with_items_in_the_request_language(api_client_for, principal, school_copy):
    client = api_client_for(principal)
    body = client.get(f"{LIST}/{school_copy.pk}").json()
    assert body["version"] == 2 and body["item_count"] == len(body["items"])
    fridge = next(i for i in body["items"] if i["key"] == "fridge-temperature")
    assert set(fridge) == {
        "id",
        "key",
        "order",
        "text",
        "category",
        "kind",
        "min",
        "max",
        "unit",
        "photo_required_on_fail",
        "guidance",
    }
    assert (fridge["kind"], fridge["min"], fridge["max"], fridge["unit"]) == ("number", 0.0, 8.0, "°C")
    assert fridge["text"] == "Refrigerator temperature" and fridge["photo_required_on_fail"] is True
    assert [i["order"] for i in body["items"]] == list(range(1, len(body["items"]) + 1))
    zh = client.get(f"{LIST}/{school_copy.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert next(i for i in zh["items"] if i["key"] == "fridge-temperature")["text"] == "冷藏柜温度"


def test_detail_is_404_for_outsiders(
    api_client_for, outsider_principal, outsider, school_copy, county, county_unit
):
    t = services.create_template(county_unit, actor=county, data={"title_zh": "东港区表"}, items=rows(1))
    services.publish(t, actor=county)
    for user in (outsider_principal, outsider):
        for pk in (school_copy.pk, t.pk, 99999999):
            resp = api_client_for(user).get(f"{LIST}/{pk}")
            assert resp.status_code == 404 and "detail" in resp.json()


def test_photo_upload_and_retry(api_client_for, guard, school, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_client_for(guard)
    key = str(uuid.uuid4())
    resp = client.post(PHOTOS, {"photo": jpeg(), "client_id": key})
    assert resp.status_code == 201 and set(resp.json()) == {"id"}
    photo = CheckPhoto.objects.get(pk=resp.json()["id"])
    assert photo.unit == school and photo.unit_path == school.path and photo.uploaded_by == guard
    assert (photo.width, photo.height) == (40, 30) and photo.image.name.endswith(".jpg")
    again = client.post(PHOTOS, {"photo": jpeg(), "client_id": key})
    assert again.status_code == 200 and again.json() == resp.json()
    assert CheckPhoto.objects.filter(uploaded_by=guard).count() == 1
    assert AuditEvent.objects.filter(verb="check_photo.uploaded", target_id=str(photo.pk)).count() == 1
    image = client.get(f"{PHOTOS}/{photo.pk}")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_not_an_image_is_refused(api_client_for, guard, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("p.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    resp = api_client_for(guard).post(PHOTOS, {"photo": fake})
    assert resp.status_code == 400 and resp.json()["field"] == "photo" and resp.json()["detail"]
    missing = api_client_for(guard).post(PHOTOS, {})
    assert missing.status_code == 400 and missing.json()["field"] == "photo"
    bad_id = api_client_for(guard).post(PHOTOS, {"photo": jpeg(), "client_id": "nope"})
    assert bad_id.status_code == 400 and bad_id.json()["field"] == "client_id"
    assert not CheckPhoto.objects.exists()


def test_only_a_schools_staff_upload(
    api_client_for, parent, county, outsider, guard, school, sibling_school, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for user in (parent, county, outsider):
        assert api_client_for(user).post(PHOTOS, {"photo": jpeg()}).status_code == 403
    other = api_client_for(guard).post(PHOTOS, {"photo": jpeg(), "unit": sibling_school.pk})
    assert other.status_code == 400 and other.json()["field"] == "unit"
    assert not CheckPhoto.objects.exists()


def test_a_photo_is_read_only_inside_its_school(
    api_client_for, guard, principal, outsider_principal, county, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    pk = api_client_for(guard).post(PHOTOS, {"photo": jpeg()}).json()["id"]
    assert api_client_for(principal).get(f"{PHOTOS}/{pk}").status_code == 200
    assert (
        api_client_for(county).get(f"{PHOTOS}/{pk}").status_code == 200
    )  # the county reads its schools' checks
    assert api_client_for(outsider_principal).get(f"{PHOTOS}/{pk}").status_code == 404
