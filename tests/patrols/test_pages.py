"""The pages: the guard's phone page, observation → hazard, route management, the QR label PDF,
history and the bureau's area; outsiders get 404 everywhere."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safecampus.hazards.models import Hazard, Source
from safecampus.patrols import scanning
from safecampus.patrols.models import Checkpoint, Observation, PatrolRoute

from .conftest import NINE, scan

pytestmark = pytest.mark.django_db


def jpeg() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile("seen.jpg", buf.getvalue(), content_type="image/jpeg")


def test_guard_page_shows_open_round_with_ticks(client_for, guard, route, points):
    scanning.record_scans(guard, [scan(points[0].code, NINE + dt.timedelta(minutes=1))])
    r = client_for(guard).get("/patrols/today/")
    assert r.status_code == 200
    html = r.content.decode()
    assert f'id="point-{points[0].pk}"' in html and "pt-done" in html
    assert "scan-button" in html and "manual-code" in html and "vendor/jsqr/jsQR.js" in html
    assert client_for(guard).get("/patrols/").status_code == 302


def test_observation_becomes_one_hazard(client_for, guard, points):
    c = client_for(guard)
    cid = str(uuid.uuid4())
    url = f"/patrols/checkpoints/{points[1].pk}/observe/"
    assert c.get(url).status_code == 200
    r = c.post(url, {"note": "Door lock broken", "category": "security", "client_id": cid, "photo": jpeg()})
    assert r.status_code == 200, r.content
    obs = Observation.objects.get(client_id=cid)
    assert obs.hazard.source == Source.PATROL and obs.hazard.photos.count() == 1
    assert points[1].name in obs.hazard.location
    again = c.post(url, {"note": "Door lock broken", "category": "security", "client_id": cid})
    assert again.status_code == 200
    assert Observation.objects.filter(client_id=cid).count() == 1
    assert Hazard.objects.filter(client_id=cid).count() == 1
    bad = c.post(url, {"note": "", "client_id": str(uuid.uuid4())})
    assert bad.status_code == 200 and b"error-note" in bad.content


def test_manage_route_pages(client_for, principal, school):
    c = client_for(principal)
    r = c.get(f"/patrols/units/{school.pk}/routes/")
    assert r.status_code == 200
    data = {"name": "Night", "windows": "21:00,23:00", "round_minutes": "60", "ordered": "on", "active": "on"}
    r = c.post(f"/patrols/units/{school.pk}/routes/", data)
    assert r.status_code == 302
    route = PatrolRoute.objects.get(unit=school, name="Night")
    assert route.windows == ["21:00", "23:00"]
    r = c.post(f"/patrols/routes/{route.pk}/", {"form": "checkpoint", "name": "Dorm A"})
    assert r.status_code == 302
    point = Checkpoint.objects.get(route=route)
    assert len(point.code) >= 16
    data = {"form": "edit_checkpoint", "checkpoint": point.pk, "name": "Dorm A east", "order": "3"}
    data["active"] = "on"
    r = c.post(f"/patrols/routes/{route.pk}/", data)
    assert r.status_code == 302
    point.refresh_from_db()
    assert point.name == "Dorm A east" and point.order == 3
    bad = c.post(f"/patrols/units/{school.pk}/routes/", {"name": "", "windows": "9"})
    assert bad.status_code == 200 and b"error-windows" in bad.content
    pdf = c.get(f"/patrols/routes/{route.pk}/labels.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"


def test_guard_cannot_manage(client_for, guard, route):
    c = client_for(guard)
    assert c.post(f"/patrols/routes/{route.pk}/", {"form": "checkpoint", "name": "x"}).status_code == 404
    assert c.get(f"/patrols/routes/{route.pk}/labels.pdf").status_code == 404


def test_history_and_area(client_for, guard, county, county_unit, route, points, school):
    scanning.record_scans(guard, [scan(points[0].code, NINE)])
    r = client_for(county).get(f"/patrols/units/{school.pk}/rounds/", {"date": "2026-03-10"})
    assert r.status_code == 200 and b"Test route" in r.content
    r = client_for(county).get(f"/patrols/units/{county_unit.pk}/area/")
    assert r.status_code == 200 and b"ranked" in r.content
    assert client_for(county).get("/patrols/").status_code == 302


def test_outsider_404(client_for, outsider, outsider_principal, route, points, school, county_unit):
    for who in (outsider, outsider_principal):
        c = client_for(who)
        for url in (
            f"/patrols/routes/{route.pk}/",
            f"/patrols/routes/{route.pk}/labels.pdf",
            f"/patrols/units/{school.pk}/routes/",
            f"/patrols/units/{school.pk}/rounds/",
            f"/patrols/units/{county_unit.pk}/area/",
            f"/patrols/checkpoints/{points[0].pk}/observe/",
        ):
            assert c.get(url).status_code == 404, (who, url)
        r = c.post(f"/patrols/checkpoints/{points[0].pk}/observe/", {"note": "x"})
        assert r.status_code == 404
    assert client_for(outsider).get("/patrols/today/").status_code == 404  # no school to patrol


def test_today_cards(guard, principal, route):
    from safecampus.core.today import cards_for

    keys = {c["key"]: c["count"] for c in cards_for(guard)}
    assert keys.get("patrols.open_now", 0) >= 1
    keys = {c["key"]: c["count"] for c in cards_for(principal)}
    assert "patrols.incomplete_today" in keys
