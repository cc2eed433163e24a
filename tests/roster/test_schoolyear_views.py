"""School-year pages: promotion preview and confirm, transfer list, form and decisions; outsiders
get 404 and no data."""

from __future__ import annotations

import pytest

from safecampus.roster import transfers
from safecampus.roster.models import Promotion, SchoolClass, Student, TransferRequest

from .schoolyear_setup import import_rows


@pytest.fixture
def student(school, county) -> Student:
    return import_rows(school, county, "六年级", 2, classes=2)[0]


def _promotion_url(school) -> str:
    return f"/roster/schools/{school.pk}/promotion/"


def test_promotion_page_previews_then_promotes_once(client_for, principal, school, student):
    c = client_for(principal)
    page = c.get(_promotion_url(school))
    body = page.content.decode()
    assert page.status_code == 200 and "promotion-table" in body and "graduates" in body
    fingerprint = page.context["preview"].fingerprint
    for bad in ({"reviewed": fingerprint}, {"year": "x"}, {"year": 2026}):  # no year, or an unreviewed one
        c.post(_promotion_url(school), bad)
    assert not Promotion.objects.exists()
    resp = c.post(_promotion_url(school), {"year": 2026, "reviewed": fingerprint}, follow=True)
    assert "has been promoted" in resp.content.decode()
    assert Promotion.objects.filter(unit=school, from_year=2026).exists()
    assert Student.objects.get(pk=student.pk).status == "graduated"
    again = c.post(_promotion_url(school), {"year": 2026, "reviewed": fingerprint}, follow=True)
    assert "already been promoted" in again.content.decode()
    assert Promotion.objects.filter(unit=school).count() == 1
    assert "promotion-done" in c.get(_promotion_url(school) + "?year=2026").content.decode()


def test_promotion_page_refuses_others(
    client_for, outsider, outsider_principal, head_teacher, school, student
):
    for user in (outsider, outsider_principal):
        c = client_for(user)
        assert c.get(_promotion_url(school)).status_code == 404
        assert c.post(_promotion_url(school), {"year": 2026}).status_code == 404
    assert client_for(head_teacher).get(_promotion_url(school)).status_code == 403
    assert not Promotion.objects.exists()


def test_transfer_pages_are_scoped(
    client_for,
    school,
    receiving,
    student,
    school_admin,
    receiving_principal,
    county,
    outsider,
    outsider_principal,
    head_teacher,
    django_assert_max_num_queries,
):
    tr = transfers.request_transfer(student, receiving, actor=school_admin, reason="搬家")
    for user in (school_admin, receiving_principal, county):
        c = client_for(user)
        with django_assert_max_num_queries(12):
            listing = c.get("/roster/transfers/")
        assert student.name in listing.content.decode()
        assert c.get(f"/roster/transfers/{tr.pk}/").status_code == 200
    for user in (outsider, outsider_principal):
        c = client_for(user)
        listing = c.get("/roster/transfers/")
        assert listing.status_code == 200 and student.name not in listing.content.decode()
        assert c.get(f"/roster/transfers/{tr.pk}/").status_code == 404
        for action in ("accept", "reject", "cancel", "class"):
            assert c.post(f"/roster/transfers/{tr.pk}/{action}/").status_code == 404
    assert client_for(head_teacher).get("/roster/transfers/").status_code == 403
    assert TransferRequest.objects.get(pk=tr.pk).status == "requested"


def test_decisions_through_the_pages(client_for, school, receiving, student, school_admin, county):
    tr = transfers.request_transfer(student, receiving, actor=school_admin)
    klass = SchoolClass.objects.get(unit=receiving)
    sender = client_for(school_admin)
    detail = sender.get(f"/roster/transfers/{tr.pk}/").content.decode()
    assert "accept-form" not in detail
    assert sender.post(f"/roster/transfers/{tr.pk}/accept/", {"target_class": klass.pk}).status_code == 403
    officer = client_for(county)
    assert "accept-form" in officer.get(f"/roster/transfers/{tr.pk}/").content.decode()
    resp = officer.post(f"/roster/transfers/{tr.pk}/accept/", {"target_class": 999_999_999}, follow=True)
    assert "Choose a class of the receiving school" in resp.content.decode()
    resp = officer.post(f"/roster/transfers/{tr.pk}/accept/", {"target_class": klass.pk}, follow=True)
    assert "Transfer accepted" in resp.content.decode()
    assert Student.objects.get(pk=student.pk).unit_id == receiving.pk
    resp = officer.post(f"/roster/transfers/{tr.pk}/reject/", {"note": "x"}, follow=True)
    assert "already accepted" in resp.content.decode()


def test_new_request_form(client_for, school, receiving, student, school_admin, county):
    c = client_for(school_admin)
    page = c.get("/roster/transfers/new/")
    assert page.status_code == 200 and receiving.code in page.content.decode()  # nearby schools offered
    data = {
        "from_school": school.code,
        "to_school": "nope",
        "name": student.name,
        "number": student.student_no,
    }
    assert "No school has this code" in c.post("/roster/transfers/new/", data).content.decode()
    data["to_school"] = receiving.code.upper()
    resp = c.post("/roster/transfers/new/", data)
    tr = TransferRequest.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/roster/transfers/{tr.pk}/"
    assert client_for(county).get("/roster/transfers/new/").status_code == 403  # bureaus decide, not ask
