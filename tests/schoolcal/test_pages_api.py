"""校历 pages and `GET /api/v1/calendar`: who reads and edits what, outsiders 404, bad input 400."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent
from safecampus.schoolcal.calendar import calendar_for
from safecampus.schoolcal.models import Calendar, SchoolSlot

S1 = "demo-c1-k1-s1"


def user(name: str) -> User:
    return User.objects.get(username=name)


def calendar_post(terms, holidays=(), makeup=(), note="") -> dict[str, str]:
    data = {"note": note}
    for prefix, rows in (("terms", terms), ("holidays", holidays), ("makeup", makeup)):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})  # fmt: skip
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_calendar_page(client_for, principal):
    resp = client_for(principal).get(f"/calendar/?unit={S1}&month=2026-10")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "东港区实验小学" in body and "07:20" in body and "国庆节" in body
    assert 'data-date="2026-10-10"' in body and "sc-makeup" in body
    assert 'id="edit-calendar"' in body and 'id="edit-slots"' in body
    # Default place and month: the user's school, this month.
    assert client_for(principal).get("/calendar/").status_code == 200


def test_calendar_page_for_staff_and_bureaus(client_for, head_teacher, county):
    resp = client_for(head_teacher).get("/calendar/")
    assert resp.status_code == 200 and 'id="edit-calendar"' not in resp.content.decode()
    resp = client_for(county).get(f"/calendar/?unit={S1}")
    assert resp.status_code == 200
    assert client_for(county).get("/calendar/?unit=demo-c1-k1").status_code == 200


def test_bad_month_is_400(client_for, principal):
    for month in ("2026-13", "26-10", "abc", "1999-01"):
        assert client_for(principal).get(f"/calendar/?unit={S1}&month={month}").status_code == 400


@pytest.mark.parametrize("name", ["demo_county2", "demo_principal2"])
def test_outsiders_get_404(demo, client_for, api_client_for, name):
    web, api = client_for(user(name)), api_client_for(user(name))
    for url in (f"/calendar/?unit={S1}", f"/calendar/edit/?unit={S1}", f"/calendar/slots/?unit={S1}",
                "/calendar/?unit=demo-c1-k1", "/calendar/edit/?unit=demo-c1-k1", "/calendar/?unit=nope",
                "/calendar/?unit=%00"):  # fmt: skip
        assert web.get(url).status_code == 404, url
    assert web.post(f"/calendar/slots/?unit={S1}", {}).status_code == 404
    assert api.get(f"/api/v1/calendar?unit={S1}").status_code == 404
    assert api.get("/api/v1/calendar?unit=no-such-unit").status_code == 404


def test_edit_pages_need_the_calendar_permission(client_for, head_teacher, guard, county, city):
    for who in (head_teacher, guard):
        assert client_for(who).get(f"/calendar/edit/?unit={S1}").status_code == 404
        assert client_for(who).get(f"/calendar/slots/?unit={S1}").status_code == 404
    assert client_for(county).get("/calendar/edit/?unit=demo-c1-k1").status_code == 404  # an inspector
    resp = client_for(city).get("/calendar/edit/?unit=demo-c1-k1&year=2026")  # the city's bureau admin
    assert resp.status_code == 200 and "2027-01-22" in resp.content.decode()  # prefilled: what applies
    assert client_for(city).get("/calendar/slots/?unit=demo-c1-k1").status_code == 404  # slots: schools


def test_school_keeps_its_own_calendar(client_for, principal, school):
    c = client_for(principal)
    assert c.get(f"/calendar/edit/?unit={S1}&year=2026").status_code == 200
    terms = [{"name": "秋季学期", "start": "2026-09-01", "end": "2027-01-29"}]
    makeup = [{"date": "2026-09-21"}]  # a Monday: refused
    resp = c.post(f"/calendar/edit/?unit={S1}&year=2026", calendar_post(terms, makeup=makeup))
    assert resp.status_code == 400 and "weekday" in resp.content.decode()
    assert not Calendar.objects.filter(unit=school).exists()
    bad = c.post(
        f"/calendar/edit/?unit={S1}&year=2026", calendar_post([{"name": "x", "start": "2026-99-01"}])
    )
    assert bad.status_code == 400
    resp = c.post(
        f"/calendar/edit/?unit={S1}&year=2026", calendar_post(terms, makeup=[{"date": "2026-09-19"}])
    )
    assert resp.status_code == 302
    cal = calendar_for(school)
    assert cal.years[2026].source == "own" and cal.is_school_day(dt.date(2027, 1, 28))
    assert AuditEvent.objects.filter(unit=school, verb="calendar.saved").exists()
    resp = c.post(f"/calendar/edit/?unit={S1}&year=2026", {"remove": "1"})
    assert resp.status_code == 302 and not Calendar.objects.filter(unit=school).exists()
    assert c.get(f"/calendar/edit/?unit={S1}&year=20x6").status_code == 302  # a bad year: back


def test_slots_page(client_for, school):
    c = client_for(user("demo_safety"))
    resp = c.get(f"/calendar/slots/?unit={S1}")
    assert resp.status_code == 200
    form = resp.context["formset"]
    data = {"slots-TOTAL_FORMS": str(len(form.forms)), "slots-INITIAL_FORMS": str(len(form.initial)),
            "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, f in enumerate(form.forms):
        init = f.initial
        if init:
            data[f"slots-{i}-code"] = init["code"]
            data[f"slots-{i}-name"] = init.get("name") or ""
            data[f"slots-{i}-time"] = init["time"].strftime("%H:%M") if init.get("time") else ""
            if init.get("active"):
                data[f"slots-{i}-active"] = "on"
    extra = len(form.initial)
    data.update(
        {f"slots-{extra}-name": "升旗", f"slots-{extra}-time": "07:50", f"slots-{extra}-active": "on"}
    )
    bad = dict(data, **{f"slots-{extra}-time": "25:00"})
    assert c.post(f"/calendar/slots/?unit={S1}", bad).status_code == 400
    resp = c.post(f"/calendar/slots/?unit={S1}", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    cal = calendar_for(school)
    assert cal.slot("own1").name == "升旗" and cal.slot_time("arrival") == dt.time(7, 20)
    assert SchoolSlot.objects.filter(unit=school).count() == 2


def test_api_calendar(api_client_for, principal):
    api = api_client_for(principal)
    resp = api.get(f"/api/v1/calendar?unit={S1}&from=2026-09-14&to=2026-09-30")
    assert resp.status_code == 200
    body = resp.json()
    assert body["unit"] == S1 and body["name"] == "东港区实验小学"
    assert body["terms"] == [{"name": "秋季学期", "start": "2026-09-01", "end": "2027-01-22"}]
    assert [h["name"] for h in body["holidays"]] == ["中秋节"]
    assert body["makeup_days"] == ["2026-09-20"]
    assert "2026-09-20" in body["school_days"] and "2026-09-19" not in body["school_days"]
    assert "2026-09-25" not in body["school_days"] and len(body["school_days"]) == 13
    assert {"code": "arrival", "name": "Arrival", "time": "07:20"} in body["slots"]
    assert api.get("/api/v1/calendar").status_code == 200  # own unit, the next 30 days


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-9-1", "from"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
        ("from=2026-09-10&to=2026-09-01", "to"),
        ("from=2026-01-01&to=2027-02-05", "to"),
    ],
)
def test_api_bad_input_is_400(api_client_for, principal, query, field):
    resp = api_client_for(principal).get(f"/api/v1/calendar?unit={S1}&{query}")
    assert resp.status_code == 400 and resp.json()["field"] == field and resp.json()["detail"]
