"""`/api/v1/hazards`: report once per client id, read scoped, take steps with 409/403 refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

from django.utils import timezone
from PIL import Image

from safecampus.core.audit import AuditEvent
from safecampus.hazards.models import Hazard, HazardPhoto, Status

from .conftest import photo_file

NEW = {"category": "fire", "source": "patrol", "location": "实验楼3楼", "description": "安全出口被杂物堵塞"}


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_retried_report_is_created_once(api_client_for, safety, principal, school):
    c = api_client_for(safety)
    body = NEW | {"client_id": str(uuid.uuid4())}
    first = _post(c, "/api/v1/hazards", body)
    assert first.status_code == 201, first.content
    again = _post(c, "/api/v1/hazards", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Hazard.objects.filter(client_id=body["client_id"]).count() == 1
    data = first.json()
    assert data["status"] == "reported" and data["unit"] == school.pk and data["number"].startswith("YH")
    assert set(data["actions"]) == {"confirm", "reject", "close_on_spot"}
    # Another reporter's same client id is another hazard (ids are per phone, per person).
    other = _post(api_client_for(principal), "/api/v1/hazards", body)
    assert other.status_code == 201 and other.json()["id"] != data["id"]


def test_bad_report_is_refused_and_writes_nothing(api_client_for, safety):
    c = api_client_for(safety)
    before = Hazard.objects.count()
    for body, status in [
        (NEW | {"category": "volcano"}, 422),
        (NEW | {"location": ""}, 422),
        (NEW | {"client_id": "not-a-uuid"}, 422),
        (NEW | {"pin_x": 3}, 422),
        (NEW | {"source": "bureau"}, 400),  # only a bureau records its supervision's findings
        (NEW | {"risk_point": 999999}, 400),
        (NEW | {"unknown": 1}, 422),
    ]:
        resp = _post(c, "/api/v1/hazards", body)
        assert resp.status_code == status, (body, resp.content)
        assert resp.json()["detail"]
    assert Hazard.objects.count() == before


def test_parent_cannot_report_or_see(api_client_for, parent, make_hazard):
    hazard = make_hazard()
    c = api_client_for(parent)
    assert _post(c, "/api/v1/hazards", NEW).status_code == 400
    assert c.get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
    assert c.get("/api/v1/hazards").json()["count"] == 0


def test_the_loop_through_the_api(api_client_for, safety, principal, rectifier, school):
    s, p, r = api_client_for(safety), api_client_for(principal), api_client_for(rectifier)
    hid = _post(s, "/api/v1/hazards", NEW).json()["id"]
    url = f"/api/v1/hazards/{hid}/transitions"
    assert _post(p, url, {"action": "confirm"}).json()["status"] == "confirmed"
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    got = _post(
        p, url, {"action": "assign", "rectifier": rectifier.pk, "deadline": deadline, "measures": "清理"}
    )
    assert (
        got.status_code == 200
        and got.json()["deadline"] == deadline
        and got.json()["rectifier"] == rectifier.pk
    )
    assert _post(r, url, {"action": "start"}).json()["status"] == "rectifying"
    # Submit needs an evidence photo: 400, nothing changes.
    no_photo = _post(r, url, {"action": "submit", "note": "已清理"})
    assert no_photo.status_code == 400 and no_photo.json()["field"] == "photos"
    up = r.post(f"/api/v1/hazards/{hid}/photos", {"photos": [photo_file()]})
    assert up.status_code == 201 and up.json()[0]["stage"] == "evidence"
    assert _post(r, url, {"action": "submit", "note": "已清理"}).json()["status"] == "submitted"
    # The rectifier cannot verify (403, message); an illegal step is 409; neither changes anything.
    mine = _post(r, url, {"action": "verify"})
    assert mine.status_code == 403 and "rectifier" in mine.json()["detail"]
    illegal = _post(s, url, {"action": "start"})
    assert illegal.status_code == 409 and illegal.json()["detail"]
    assert Hazard.objects.get(pk=hid).status == Status.SUBMITTED
    done = _post(s, url, {"action": "verify", "note": "复查合格"}).json()
    assert done["status"] == "closed" and done["resolution"] == "verified" and done["actions"] == []


def test_photo_is_reencoded_without_exif_and_served_scoped(api_client_for, safety, outsider, make_hazard):
    hazard = make_hazard(reported_by=safety)
    c = api_client_for(safety)
    up = c.post(f"/api/v1/hazards/{hazard.pk}/photos", {"photos": [photo_file(exif=True, size=(80, 40))]})
    assert up.status_code == 201, up.content
    photo = HazardPhoto.objects.get(pk=up.json()[0]["id"])
    with photo.image.open("rb") as fh:
        img = Image.open(io.BytesIO(fh.read()))
        assert not img.getexif()  # no model, no GPS, no orientation left
        assert img.size == (40, 80)  # turned upright as the phone meant it
    got = c.get(up.json()[0]["url"])
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert api_client_for(outsider).get(up.json()[0]["url"]).status_code == 404
    bad = c.post(f"/api/v1/hazards/{hazard.pk}/photos", {"photos": [io.BytesIO(b"not an image")]})
    assert bad.status_code == 400 and HazardPhoto.objects.filter(hazard=hazard).count() == 1


def test_tenancy(api_client_for, county, outsider, outsider_principal, make_hazard):
    hazard = make_hazard()
    assert api_client_for(county).get(f"/api/v1/hazards/{hazard.pk}").status_code == 200
    assert hazard.pk in [h["id"] for h in api_client_for(county).get("/api/v1/hazards").json()["items"]]
    for user in (outsider, outsider_principal):
        c = api_client_for(user)
        assert c.get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
        assert c.get("/api/v1/hazards").json()["count"] == 0
        events = AuditEvent.objects.count()
        assert _post(c, f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "confirm"}).status_code == 404
        assert AuditEvent.objects.count() == events
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_list_filters(api_client_for, safety, rectifier, make_hazard):
    make_hazard(Status.ASSIGNED)
    make_hazard(Status.REPORTED, grade="major")
    c = api_client_for(rectifier)
    mine = c.get("/api/v1/hazards?mine=true").json()
    assert mine["count"] == 1 and mine["items"][0]["status"] == "assigned"
    assert api_client_for(safety).get("/api/v1/hazards?grade=major").json()["count"] == 1
    assert c.get("/api/v1/hazards?status=volcano").status_code == 422


def test_bureau_records_what_its_supervision_found(api_client_for, county, outsider, school):
    body = NEW | {"source": "bureau", "unit": school.pk}
    got = _post(api_client_for(county), "/api/v1/hazards", body)
    assert got.status_code == 201 and got.json()["source"] == "bureau"
    # The neighbouring county cannot report into this school (and learns nothing about it).
    refused = _post(api_client_for(outsider), "/api/v1/hazards", body)
    assert refused.status_code == 400 and refused.json()["field"] == "unit"
