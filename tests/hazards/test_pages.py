"""The hazard pages as each person uses them: the hub, reporting (photo first, once per client id,
fixed on the spot), the detail page driving the loop, the work lists, the ledger with its Excel
export and the bureau's overdue board; outsiders get 404 everywhere."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.hazards import escalation
from safecampus.hazards.models import Escalation, Grade, Hazard, HazardPhoto, PhotoStage, Status

from .conftest import photo_file


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def county_officer(demo) -> User:
    return User.objects.get(username="demo_county")


def _report_data(**extra) -> dict:
    return {"category": "fire", "location": "教学楼三楼东侧", "description": "灭火器压力不足",
            "grade": "general", "source": "self_check", "client_id": str(uuid.uuid4()), **extra}  # fmt: skip


def test_nav_shows_hazards_to_staff_not_parents(client_for, safety, parent):
    assert 'href="/hazards/"' in client_for(safety).get("/").content.decode()
    assert 'href="/hazards/"' not in client_for(parent).get("/").content.decode()


def test_school_hub_counts_work(client_for, safety, rectifier, make_hazard):
    make_hazard(Status.REPORTED)
    make_hazard(Status.SUBMITTED)
    make_hazard(Status.RECTIFYING)
    page = client_for(safety).get("/hazards/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="report-hazard"' in body and 'id="card-confirm"' in body and 'id="card-verify"' in body
    todo = client_for(rectifier).get("/hazards/").content.decode()
    assert 'id="card-todo"' in todo and 'id="card-confirm"' not in todo


def test_bureau_hub_lists_schools_and_board(client_for, county_officer, make_hazard, school):
    make_hazard(Status.ASSIGNED, deadline=timezone.localdate() - dt.timedelta(days=9), escalation="county")
    body = client_for(county_officer).get("/hazards/").content.decode()
    assert 'id="card-overdue"' in body and 'id="schools-table"' in body and school.name in body


def test_parent_and_student_have_no_hazard_pages(client_for, parent, make_hazard):
    hazard = make_hazard(Status.SUBMITTED)
    c = client_for(parent)
    assert c.get("/hazards/").status_code == 404
    assert c.get("/hazards/report/").status_code == 404
    assert c.get(f"/hazards/{hazard.pk}/").status_code == 404
    for url in ("/hazards/todo/", "/hazards/confirm/", "/hazards/verify/"):
        resp = c.get(url)
        assert resp.status_code in (200, 404) and hazard.number not in resp.content.decode()


def test_report_with_photo_twice_creates_one(client_for, safety, school):
    c = client_for(safety)
    page = c.get("/hazards/report/").content.decode()
    assert 'capture="environment"' in page and 'name="client_id"' in page
    assert 'name="unit"' not in page  # one school: no choice
    data = _report_data()
    first = c.post("/hazards/report/", {**data, "photos": photo_file()})
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert first.status_code == 302 and first["Location"] == f"/hazards/{hazard.pk}/"
    again = c.post("/hazards/report/", {**data, "photos": photo_file()})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Hazard.objects.filter(client_id=data["client_id"]).count() == 1
    assert hazard.photos.count() == 1 and hazard.unit == school
    assert hazard.status == Status.REPORTED


def test_guard_reports_from_patrol_by_default(client_for, finder):
    body = client_for(finder).get("/hazards/report/").content.decode()
    assert '<option value="patrol" selected>' in body


def test_report_bad_input_is_translated_and_changes_nothing(client_for, safety):
    c = client_for(safety)
    before = Hazard.objects.count()
    page = c.post("/hazards/report/", _report_data(location=""), HTTP_ACCEPT_LANGUAGE="zh-hans",
                  cookies=None)  # fmt: skip
    assert page.status_code == 400
    assert 'id="error-location"' in page.content.decode()
    bad = c.post("/hazards/report/", {**_report_data(), "photos": io.BytesIO(b"not an image")})
    assert bad.status_code == 400 and 'id="error-photos"' in bad.content.decode()
    c.cookies["django_language"] = "zh-hans"
    zh = c.post("/hazards/report/", _report_data(category="nope")).content.decode()
    assert 'id="error-category"' in zh and "Choose a category." not in zh
    assert Hazard.objects.count() == before


def test_report_fixed_on_the_spot_closes(client_for, safety):
    c = client_for(safety)
    data = _report_data(on_spot="1", spot_note="当场更换灭火器")
    missing = c.post("/hazards/report/", {**data, "photos": photo_file()})
    assert missing.status_code == 400 and 'id="error-spot_photos"' in missing.content.decode()
    assert not Hazard.objects.filter(client_id=data["client_id"]).exists()
    done = c.post(
        "/hazards/report/", {**data, "photos": photo_file(), "spot_photos": photo_file("after.jpg")}
    )
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert done.status_code == 302 and hazard.status == Status.CLOSED and hazard.resolution == "on_spot"
    assert hazard.photos.filter(stage=PhotoStage.EVIDENCE).count() == 1


def test_detail_shows_forms_for_allowed_actions(client_for, safety, rectifier, make_hazard):
    hazard = make_hazard(Status.REPORTED)
    body = client_for(safety).get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="act-confirm"' in body and 'id="act-reject"' in body and 'id="act-assign"' not in body
    assert 'id="act-confirm"' not in client_for(rectifier).get(f"/hazards/{hazard.pk}/").content.decode()


def test_action_forms_drive_the_loop(client_for, safety, principal, rectifier, make_hazard):
    hazard = make_hazard(Status.REPORTED)
    url = f"/hazards/{hazard.pk}/"
    manager, teacher, verifier = client_for(principal), client_for(rectifier), client_for(safety)
    assert manager.post(url, {"action": "confirm", "grade": "general"}).status_code == 302
    page = manager.get(url).content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assert f'value="{deadline}"' in page  # policy hazards.deadline_days.general
    assert f'<option value="{rectifier.pk}"' in page
    manager.post(url, {"action": "assign", "rectifier": rectifier.pk, "deadline": deadline,
                       "measures": "更换灭火器", "funds": "120.5"})  # fmt: skip
    teacher.post(url, {"action": "start"})
    teacher.post(url, {"action": "submit", "note": "已更换", "photos": photo_file("after.jpg")})
    hazard.refresh_from_db()
    assert hazard.status == Status.SUBMITTED and str(hazard.funds) == "120.50"
    assert 'id="photos-evidence"' in verifier.get(url).content.decode()
    verifier.post(url, {"action": "verify", "note": "验收合格"})
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED and hazard.verified_by == safety
    assert "Verified and closed" in verifier.get(url).content.decode()  # the timeline


def test_bad_action_input_keeps_input_and_changes_nothing(client_for, principal, rectifier, make_hazard):
    hazard = make_hazard(Status.CONFIRMED, grade=Grade.MAJOR)
    data = {"action": "assign", "rectifier": rectifier.pk, "deadline": "2001-01-01", "measures": "加固围墙"}
    page = client_for(principal).post(f"/hazards/{hazard.pk}/", data)
    body = page.content.decode()
    assert page.status_code == 400 and 'id="error-deadline"' in body and "加固围墙" in body
    assert 'id="assign-plan"' in body  # a major hazard asks for the plan
    hazard.refresh_from_db()
    assert hazard.status == Status.CONFIRMED and hazard.rectifier is None


def test_rectifier_cannot_verify_own_and_stale_action_is_a_message(
    client_for, rectifier, safety, make_hazard
):
    hazard = make_hazard(Status.SUBMITTED)
    page = client_for(rectifier).post(f"/hazards/{hazard.pk}/", {"action": "verify"})
    assert page.status_code == 400 and hazard.__class__.objects.get(pk=hazard.pk).status == Status.SUBMITTED
    stale = client_for(safety).post(f"/hazards/{hazard.pk}/", {"action": "start"})
    assert stale.status_code == 400 and "not possible now" in stale.content.decode()


def test_photo_served_to_viewers_only(client_for, safety, outsider, make_hazard, school):
    hazard = make_hazard(Status.REPORTED)
    c = client_for(safety)
    from safecampus.hazards import photos

    photos.upload(hazard, actor=hazard.reported_by, files=[photo_file()])
    photo = hazard.photos.get()
    assert c.get(f"/hazards/{hazard.pk}/photos/{photo.pk}/")["Content-Type"] == "image/jpeg"
    other = make_hazard(Status.REPORTED)
    assert c.get(f"/hazards/{other.pk}/photos/{photo.pk}/").status_code == 404
    assert client_for(outsider).get(f"/hazards/{hazard.pk}/photos/{photo.pk}/").status_code == 404


def test_work_lists(
    client_for, safety, rectifier, county_officer, make_hazard, django_assert_max_num_queries
):
    for _ in range(3):
        make_hazard(Status.ASSIGNED)
        make_hazard(Status.REPORTED)
        make_hazard(Status.SUBMITTED)
    late = make_hazard(Status.RECTIFYING, deadline=timezone.localdate() - dt.timedelta(days=4))
    major = make_hazard(Status.SUBMITTED, grade=Grade.MAJOR)
    t = client_for(rectifier)
    with django_assert_max_num_queries(12):
        body = t.get("/hazards/todo/").content.decode()
    assert body.index(f'data-id="{late.pk}"') == body.index('data-id="')  # overdue first
    assert "4 days overdue" in body
    s = client_for(safety)
    with django_assert_max_num_queries(12):
        confirm = s.get("/hazards/confirm/").content.decode()
    assert confirm.count('data-id="') == 3
    with django_assert_max_num_queries(12):
        verify = s.get("/hazards/verify/").content.decode()
    assert verify.count('data-id="') == 3 and f'data-id="{major.pk}"' not in verify
    county = client_for(county_officer).get("/hazards/verify/").content.decode()
    assert f'data-id="{major.pk}"' in county and county.count('data-id="') == 1


def test_ledger_filters_and_pages(
    client_for, safety, county_officer, make_hazard, school, django_assert_max_num_queries
):
    make_hazard(Status.REPORTED, category="traffic", location="校门口东侧")
    make_hazard(Status.CLOSED)
    make_hazard(Status.ASSIGNED, deadline=timezone.localdate() - dt.timedelta(days=2))
    c = client_for(safety)
    url = f"/hazards/units/{school.pk}/"
    with django_assert_max_num_queries(16):
        body = c.get(url).content.decode()
    assert body.count('data-id="') == 3
    assert c.get(url, {"category": "traffic"}).content.decode().count('data-id="') == 1
    assert c.get(url, {"overdue": "1"}).content.decode().count('data-id="') == 1
    assert c.get(url, {"q": "校门口"}).content.decode().count('data-id="') == 1
    assert c.get(url, {"status": "open"}).content.decode().count('data-id="') == 2
    month = timezone.localdate().strftime("%Y-%m")
    assert c.get(url, {"month": month}).content.decode().count('data-id="') == 3
    assert c.get(url, {"month": "2001-01"}).content.decode().count('data-id="') == 0
    assert c.get(url, {"month": "junk", "status": "junk", "page": "x"}).status_code == 200
    county = Unit.objects.get(code="demo-c1-k1")
    bureau = client_for(county_officer).get(f"/hazards/units/{county.pk}/").content.decode()
    assert bureau.count('data-id="') == 3 and school.name in bureau


def test_ledger_export(client_for, safety, make_hazard, school):
    make_hazard(Status.REPORTED, description='=HYPERLINK("http://x")')
    make_hazard(Status.ASSIGNED, deadline=timezone.localdate() - dt.timedelta(days=3))
    response = client_for(safety).get(f"/hazards/units/{school.pk}/export.xlsx", {"status": "assigned"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "No.")
    data = rows[header + 1 :]
    assert len(data) == 1 and data[0][2] == school.name and data[0][13] == 3 and data[0][10] == "Assigned"
    everything = client_for(safety).get(f"/hazards/units/{school.pk}/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(everything.streaming_content)))
    cells = [c for r in wb.active.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert not any(c.startswith("=") for c in cells)


def test_overdue_board_sorted_by_days(client_for, county_officer, make_hazard, school):
    today = timezone.localdate()
    a = make_hazard(Status.ASSIGNED, deadline=today - dt.timedelta(days=5))
    b = make_hazard(Status.RECTIFYING, deadline=today - dt.timedelta(days=16))
    make_hazard(Status.ASSIGNED, deadline=today - dt.timedelta(days=1))  # not yet escalated
    escalation.run(today)
    assert Hazard.objects.get(pk=b.pk).escalation == Escalation.CITY
    county = Unit.objects.get(code="demo-c1-k1")
    body = client_for(county_officer).get(f"/hazards/units/{county.pk}/overdue/").content.decode()
    assert body.count('data-id="') == 2
    assert body.index(f'data-id="{b.pk}"') < body.index(f'data-id="{a.pk}"')


ROUTES = [
    "/hazards/{h}/", "/hazards/{h}/photos/{p}/", "/hazards/units/{s}/", "/hazards/units/{s}/export.xlsx",
    "/hazards/units/{s}/overdue/", "/hazards/units/{k}/", "/hazards/units/{k}/overdue/",
]  # fmt: skip


@pytest.mark.parametrize("username", ["demo_county2", "demo_principal2"])
def test_outsiders_get_404(client_for, make_hazard, school, username):
    hazard = make_hazard(Status.REPORTED)
    photo = HazardPhoto(hazard=hazard, stage=PhotoStage.REPORT)
    photo.set_unit(school)
    photo.image.name = "hazards/test/x.jpg"
    photo.save()
    county = Unit.objects.get(code="demo-c1-k1")
    c = client_for(User.objects.get(username=username))
    for route in ROUTES:
        url = route.format(h=hazard.pk, p=photo.pk, s=school.pk, k=county.pk)
        assert c.get(url).status_code == 404, url
        assert c.post(url, {"action": "confirm"}).status_code in (404, 405), url
    for url in ("/hazards/todo/", "/hazards/confirm/", "/hazards/verify/", "/hazards/"):
        assert hazard.location not in c.get(url).content.decode()
    c.post("/hazards/report/", {**_report_data(), "unit": school.pk})  # their own school, if any
    assert Hazard.objects.filter(unit=school).count() == 1


def test_bureau_officer_chooses_the_school(client_for, county_officer, school, sibling_school):
    c = client_for(county_officer)
    page = c.get("/hazards/report/").content.decode()
    assert (
        'name="unit"' in page
        and f'value="{school.pk}"' in page
        and f'value="{sibling_school.pk}"' not in page
    )
    assert c.post("/hazards/report/", _report_data()).status_code == 400  # no school chosen
    data = _report_data(source="bureau", unit=school.pk)
    assert c.post("/hazards/report/", data).status_code == 302
    assert Hazard.objects.get(client_id=data["client_id"]).source == "bureau"
    other = _report_data(unit=sibling_school.pk)
    assert c.post("/hazards/report/", other).status_code == 400
    assert not Hazard.objects.filter(client_id=other["client_id"]).exists()


def test_report_places_the_hazard_on_the_map(client_for, safety, settings, tmp_path):
    from tests.risks.samples import k1_plan

    settings.MEDIA_ROOT = tmp_path / "media"
    area = k1_plan()
    c = client_for(safety)
    page = c.get("/hazards/report/").content.decode()
    assert f'<option value="{area.pk}">{area.name}</option>' in page
    data = _report_data() | {"area": str(area.pk)}
    assert c.post("/hazards/report/", {**data, "photos": photo_file()}).status_code == 302
    hazard = Hazard.objects.get(client_id=data["client_id"])
    assert hazard.area == area
    assert area.name in c.get(f"/hazards/{hazard.pk}/").content.decode()
    # An area of another school's plan is refused with a message; nothing is registered.
    bad = _report_data() | {"area": "999999"}
    refused = c.post("/hazards/report/", {**bad, "photos": photo_file()})
    assert refused.status_code == 400 and "Choose an area of this school" in refused.content.decode()
    assert not Hazard.objects.filter(client_id=bad["client_id"]).exists()
