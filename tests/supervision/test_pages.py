"""Supervision pages as each role: the bureau lists, issues, reviews and records; the school
replies; outsiders get 404 and see nothing; bad input answers a translated error."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safecampus.supervision.models import Interview, Letter, LetterStatus, ListedSupervision, Sanction
from safecampus.supervision.views import hazard_panel_context
from tests.hazards.conftest import photo_file

from .conftest import soon


def test_bureau_overview_and_school_page(client_for, county, make_letter, major, school, county_unit):
    letter = make_letter(major)
    c = client_for(county)
    resp = c.get("/supervision/")
    assert resp.status_code == 302 and resp["Location"] == f"/supervision/units/{county_unit.pk}/"
    body = c.get(resp["Location"]).content.decode()
    assert letter.number in body and 'id="n-assignment">1<' in body
    body = c.get(f"/supervision/schools/{school.pk}/").content.decode()
    assert letter.number in body and "Assignment letter" in body


def test_school_home_and_reply(client_for, principal, make_letter, major, school, county):
    letter = make_letter(major)
    c = client_for(principal)
    assert c.get("/supervision/")["Location"] == f"/supervision/schools/{school.pk}/"
    page = c.get(f"/supervision/letters/{letter.pk}/").content.decode()
    assert 'id="reply-form"' in page and 'id="review-form"' not in page
    resp = c.post(f"/supervision/letters/{letter.pk}/reply/", {"text": "已整改", "attachment": photo_file()})
    assert resp.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REPLIED and letter.reply_file
    assert c.get(f"/supervision/letters/{letter.pk}/attachment").status_code == 200
    # The bureau reviews: a return needs a note (translated error), then close.
    b = client_for(county)
    page = b.get(f"/supervision/letters/{letter.pk}/").content.decode()
    assert 'id="review-form"' in page
    resp = b.post(
        f"/supervision/letters/{letter.pk}/review/",
        {"action": "return", "note": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert resp.status_code == 400
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REPLIED
    assert b.post(f"/supervision/letters/{letter.pk}/review/", {"action": "close"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED


def test_issue_letter_through_the_form(client_for, county, school, major, make_hazard):
    c = client_for(county)
    chooser = c.get("/supervision/letters/new/?kind=reminder").content.decode()
    assert 'id="school-search"' in chooser and "<select" not in chooser  # a search, not every school
    found = c.get("/supervision/letters/new/", {"kind": "reminder", "school_q": school.name}).content.decode()
    assert f"/supervision/letters/new/?kind=reminder&amp;school={school.pk}" in found
    form = c.get(
        f"/supervision/letters/new/?school={school.pk}&kind=reminder&hazard={major.pk}"
    ).content.decode()
    assert major.number in form and 'id="letter-bodies"' in form
    resp = c.post(
        f"/supervision/letters/new/?school={school.pk}",
        {"kind": "reminder", "hazards": [str(major.pk)], "body": "请整改", "deadline": soon()},
    )
    letter = Letter.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/supervision/letters/{letter.pk}/"
    assert "提示第1号" in letter.number
    pdf = c.get(f"/supervision/letters/{letter.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_issue_letter_bad_input(client_for, county, school, major):
    c = client_for(county)
    url = f"/supervision/letters/new/?school={school.pk}"
    resp = c.post(
        url, {"kind": "assignment", "hazards": [str(major.pk)], "body": "x", "deadline": "2020-01-01"}
    )
    assert resp.status_code == 400 and "The deadline cannot be in the past." in resp.content.decode()
    resp = c.post(url, {"kind": "assignment", "body": "x", "deadline": soon()})
    assert resp.status_code == 400 and "Name at least one hazard or item." in resp.content.decode()
    resp = c.post(url, {"kind": "memo", "hazards": ["999999"], "body": "", "deadline": "x"})
    assert resp.status_code == 400
    assert not Letter.objects.exists()


def test_list_lift_interview_sanction_forms(client_for, county, school, major):
    c = client_for(county)
    assert c.get(f"/supervision/hazards/{major.pk}/list/").status_code == 200
    resp = c.post(f"/supervision/hazards/{major.pk}/list/", {"deadline": "2020-01-01"})
    assert resp.status_code == 400 and not ListedSupervision.objects.exists()
    assert (
        c.post(f"/supervision/hazards/{major.pk}/list/", {"deadline": soon(), "note": "挂牌"}).status_code
        == 302
    )
    listing = ListedSupervision.objects.get()
    ctx = hazard_panel_context(county, major)
    assert ctx["sup_listing"] == listing and not ctx["sup_can_list"]
    assert c.post(f"/supervision/listings/{listing.pk}/lift/", {"note": ""}).status_code == 400
    assert c.post(f"/supervision/listings/{listing.pk}/lift/", {"note": "转市级督办"}).status_code == 302
    today = timezone.localdate().isoformat()
    url = f"/supervision/interviews/new/?school={school.pk}&hazard={major.pk}"
    assert major.number in c.get(url).content.decode()
    resp = c.post(
        url,
        {
            "date": today,
            "hazard": str(major.pk),
            "people": "王建国，校长\n李明华, 安全办主任",
            "reason": "逾期",
        },
    )
    assert resp.status_code == 302
    assert Interview.objects.get().people == [
        {"name": "王建国", "post": "校长"},
        {"name": "李明华", "post": "安全办主任"},
    ]
    url = f"/supervision/sanctions/new/?school={school.pk}"
    assert c.post(url, {"kind": "penalty", "date": today, "text": "x"}).status_code == 400
    assert (
        c.post(
            url, {"kind": "penalty", "measure": "取消评优评先资格", "date": today, "text": "x"}
        ).status_code
        == 302
    )
    assert Sanction.objects.count() == 1
    body = c.get(f"/supervision/schools/{school.pk}/").content.decode()
    assert "取消评优评先资格" in body and "王建国" in body


def test_school_cannot_act_as_bureau(client_for, principal, school, major, make_letter):
    c = client_for(principal)
    assert c.get(f"/supervision/hazards/{major.pk}/list/").status_code == 403
    assert c.get(f"/supervision/letters/new/?school={school.pk}").status_code == 404
    assert c.get(f"/supervision/interviews/new/?school={school.pk}").status_code == 404
    letter = make_letter(major)
    assert c.post(f"/supervision/letters/{letter.pk}/review/", {"action": "close"}).status_code == 403
    ctx = hazard_panel_context(principal, major)
    assert not ctx["sup_can_supervise"] and ctx["sup_letters"] == [letter]


@pytest.mark.parametrize("username", ["demo_county2", "demo_principal2", "demo_teacher"])
def test_outsiders_get_404_and_see_nothing(
    client_for, username, make_letter, major, school, county, county_unit, django_user_model
):
    letter = make_letter(major)
    from safecampus.supervision import services

    listing = services.list_hazard(major, actor=county, deadline=soon())
    user = django_user_model.objects.get(username=username)
    c = client_for(user)
    for url in (
        f"/supervision/schools/{school.pk}/",
        f"/supervision/units/{county_unit.pk}/",
        f"/supervision/letters/{letter.pk}/",
        f"/supervision/letters/{letter.pk}/letter.pdf",
        f"/supervision/letters/{letter.pk}/attachment",
        f"/supervision/hazards/{major.pk}/list/",
        f"/supervision/listings/{listing.pk}/lift/",
        f"/supervision/letters/new/?school={school.pk}",
        f"/supervision/interviews/new/?school={school.pk}",
        f"/supervision/sanctions/new/?school={school.pk}",
    ):
        # The school's teacher sees the hazard itself (403 on the bureau's form), nothing else.
        assert c.get(url).status_code == (403 if username == "demo_teacher" and "/list/" in url else 404), url
    assert c.post(f"/supervision/letters/{letter.pk}/reply/", {"text": "x"}).status_code == 404
    assert c.post(f"/supervision/letters/{letter.pk}/review/", {"action": "close"}).status_code == 404
    home = c.get("/supervision/", follow=True)
    assert letter.number not in home.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED
    assert not hazard_panel_context(user, major)["sup_letters"]


def test_letter_form_offers_the_policy_reply_deadline(client_for, county, school, county_unit, operator):
    import datetime as dt

    from safecampus.core.policy import load_policy

    c = client_for(county)
    url = f"/supervision/letters/new/?school={school.pk}"
    default = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    assert f'value="{default}"' in c.get(url).content.decode()
    load_policy(county_unit, {"supervision": {"letter_reply_days": 7}}, actor=operator,
                version="k1-letters", effective_from=dt.date(2024, 1, 1))  # fmt: skip
    shorter = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assert f'value="{shorter}"' in c.get(url).content.decode()
