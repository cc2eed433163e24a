"""Recording a 1530 talk through the API: contracts, idempotency, who may record, bad input."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine

from safecampus.core.models import AuditEvent
from safecampus.core.rollups import get
from safecampus.talks import cover, settle, stats
from safecampus.talks.models import Talk, TalkDue

from .helpers import make_class

pytestmark = pytest.mark.django_db

# Wednesday 14 October 2026, 16:40 in Shanghai: a daily talk is due.
NOW = dt.datetime(2026, 10, 14, 8, 40, tzinfo=dt.UTC)
DAY = "2026-10-14"


@pytest.fixture
def klass(school, head_teacher):
    return make_class(school, 3, 1, head_teacher)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, **body):
    return client.post("/api/v1/talks", data=json.dumps(body), content_type="application/json")


def body(klass, **kw):
    out = {"client_id": str(uuid.uuid4()), "class_id": klass.pk, "date": DAY, "kind": "daily",
           "topic": "交通安全", "minutes": 2, "note": ""}  # fmt: skip
    out.update(kw)
    return out


def test_due_then_record_once(api_client_for, head_teacher, klass, school):
    c = api_client_for(head_teacher)
    r = c.get("/api/v1/talks/due")
    assert r.status_code == 200
    assert r.json() == [{"class_id": klass.pk, "date": DAY, "kind": "daily", "minutes": 1,
                         "suggested_topic": r.json()[0]["suggested_topic"], "done": False}]  # fmt: skip
    assert r.json()[0]["suggested_topic"]
    b = body(klass)
    first = post(c, **b)
    assert first.status_code == 201, first.content
    again = post(c, **b)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Talk.objects.filter(school_class=klass).count() == 1
    assert AuditEvent.objects.filter(verb="talk.recorded", target_id=str(first.json()["id"])).count() == 1
    t = stats.read_one(school)
    assert (t.due, t.done, t.on_day) == (1, 1, 1)
    assert c.get(f"/api/v1/talks/due?class_id={klass.pk}&date={DAY}").json()[0]["done"] is True
    # The evening settlement finds the class-day due already: nothing added, twice.
    assert settle.settle(dt.date(2026, 10, 14)) == 0
    assert stats.read_one(school).due == 1
    listed = c.get(f"/api/v1/talks?class_id={klass.pk}&month=2026-10").json()
    assert listed["count"] == 1 and listed["items"][0]["topic"] == "交通安全"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2026-10-17"}, "date"),  # Saturday: no talk due
        ({"date": "2026-10-15"}, "date"),  # tomorrow
        ({"date": "not a date"}, "date"),
        ({"date": "1900-01-01"}, "date"),
        ({"kind": "weekend", "minutes": 5}, "kind"),
        ({"minutes": 0}, "minutes"),
        ({"topic": ""}, "topic"),
        ({"client_id": "nope"}, "client_id"),
    ],
)
def test_bad_input_changes_nothing(api_client_for, head_teacher, klass, change, field):
    c = api_client_for(head_teacher)
    before = (Talk.objects.count(), TalkDue.objects.count(), AuditEvent.objects.count())
    r = post(c, **body(klass, **change))
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field and r.json()["detail"]
    assert (Talk.objects.count(), TalkDue.objects.count(), AuditEvent.objects.count()) == before


def test_holiday_eve_needs_thirty_minutes(api_client_for, head_teacher, klass):
    c = api_client_for(head_teacher)
    with time_machine.travel(dt.datetime(2026, 9, 30, 8, 40, tzinfo=dt.UTC), tick=False):
        r = post(c, **body(klass, date="2026-09-30", kind="holiday", minutes=10))
        assert r.status_code == 400 and r.json()["field"] == "minutes"
        r = post(c, **body(klass, date="2026-09-30", kind="daily", minutes=1))
        assert r.status_code == 400 and r.json()["field"] == "kind"
        r = post(c, **body(klass, date="2026-09-30", kind="holiday", minutes=30))
        assert r.status_code == 201


def test_translated_detail(api_client_for, head_teacher, klass):
    c = api_client_for(head_teacher)
    r = c.post("/api/v1/talks", data=json.dumps(body(klass, minutes=0)), content_type="application/json",
               HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert r.status_code == 400
    assert r.json()["field"] == "minutes"


def test_left_teacher_and_other_school(
    api_client_for, head_teacher, klass, school, sibling_school, principal
):
    other = make_class(sibling_school, 3, 1)
    c = api_client_for(head_teacher)
    assert post(c, **body(other)).status_code == 404
    assert c.get(f"/api/v1/talks/due?class_id={other.pk}").status_code == 404
    # The principal is staff at the school but not the class's teacher.
    r = post(api_client_for(principal), **body(klass))
    assert r.status_code == 400 and r.json()["field"] == "class_id"
    # The head teacher leaves the class: they cannot record any more.
    klass.head_teacher = None
    klass.save(update_fields=["head_teacher"])
    r = post(c, **body(klass))
    assert r.status_code == 400 and r.json()["field"] == "class_id"
    assert not Talk.objects.exists()


def test_cover_rule_lets_the_teacher_on_duty_record(api_client_for, principal, klass):
    def on_duty(user, school_class, day):
        return user.pk == principal.pk

    cover.register(on_duty)
    try:
        r = post(api_client_for(principal), **body(klass))
        assert r.status_code == 201
    finally:
        cover.unregister(on_duty)


def test_late_record_is_not_on_day(api_client_for, head_teacher, klass, school):
    r = post(api_client_for(head_teacher), **body(klass, date="2026-10-13"))
    assert r.status_code == 201 and r.json()["on_day"] is False
    t = stats.read_one(school, 202610, 202610)
    assert (t.due, t.done, t.on_day) == (1, 1, 0)


def test_settle_is_idempotent_and_equals_recount(api_client_for, head_teacher, klass, school, county_unit):
    make_class(school, 3, 2)
    assert settle.settle(dt.date(2026, 10, 12)) >= 2
    assert settle.settle(dt.date(2026, 10, 12)) == 0
    assert settle.settle(dt.date(2026, 10, 11)) == 0  # Sunday
    post(api_client_for(head_teacher), **body(klass, date="2026-10-12"))
    rollup = get("talks")
    rollup.fold()
    assert rollup.reconcile().clean
    t = stats.read_one(county_unit, 202610, 202610)
    assert t.done == 1 and t.due == TalkDue.objects.filter(unit_path__startswith=county_unit.path).count()
    assert stats.read_one(school, grade_id=klass.grade_id, class_id=klass.pk).as_dict() == {
        "due": 1, "done": 1, "on_day": 0, "rate": 1.0}  # fmt: skip


def test_stats_api_and_outsiders(api_client_for, county, outsider, principal, head_teacher, klass, school):
    post(api_client_for(head_teacher), **body(klass))
    r = api_client_for(county).get("/api/v1/talks/stats?unit=demo-c1-k1")
    assert r.status_code == 200
    assert r.json()["totals"] == {"due": 1, "done": 1, "on_day": 1, "rate": 1.0}
    kids = api_client_for(principal).get(f"/api/v1/talks/stats/children?unit={school.code}").json()
    assert [k["class_id"] for k in kids] == [klass.pk] and kids[0]["totals"]["done"] == 1
    o = api_client_for(outsider)
    for url in (
        "/api/v1/talks/stats?unit=demo-c1-k1",
        f"/api/v1/talks/stats/children?unit={school.code}",
        f"/api/v1/talks/due?class_id={klass.pk}",
        f"/api/v1/talks?class_id={klass.pk}",
    ):
        assert o.get(url).status_code == 404, url
    assert o.get("/api/v1/talks").json()["count"] == 0
    assert o.get("/api/v1/talks/due").json() == []
    assert post(o, **body(klass)).status_code == 404


def test_pupils_parents_and_guards_do_not_read_a_class_s_talks(api_client_for, guard, klass, head_teacher):
    """Members of the school who are not its duties readers nor the class's teachers get 404,
    as for a class that does not exist (nothing tells the two apart)."""
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership
    from safecampus.core.roles import Role

    post(api_client_for(head_teacher), **body(klass))
    members = [guard]
    for role in (Role.PARENT, Role.STUDENT):  # a parent and a pupil of the school
        person = User.objects.create_user(username=f"talks_{role}", password="x")
        Membership.objects.create(user=person, unit=klass.unit, role=role)
        members.append(person)
    for user in members:
        c = api_client_for(user)
        for url in (f"/api/v1/talks/due?class_id={klass.pk}", f"/api/v1/talks?class_id={klass.pk}"):
            assert c.get(url).status_code == 404, (user.username, url)
        assert c.get("/api/v1/talks/due?class_id=999999").status_code == 404


def test_a_talk_is_recorded_at_most_a_week_afterwards(api_client_for, head_teacher, klass):
    c = api_client_for(head_teacher)
    r = post(c, **body(klass, date="2026-10-02", kind="daily"))  # twelve days ago (a holiday anyway)
    assert r.status_code == 400 and r.json()["field"] == "date"
    r = post(c, **body(klass, date="2026-09-30", kind="holiday", minutes=30))  # the eve of the holiday
    assert r.status_code == 400 and r.json()["field"] == "date"
    assert post(c, **body(klass, date="2026-10-09")).status_code == 201  # five days ago: fine
    assert not Talk.objects.filter(date__lt=dt.date(2026, 10, 9)).exists()


def test_a_client_id_records_one_class_only(api_client_for, head_teacher, klass, school):
    other = make_class(school, 3, 2, head_teacher)
    c = api_client_for(head_teacher)
    b = body(klass)
    assert post(c, **b).status_code == 201
    r = post(c, **{**b, "class_id": other.pk})
    assert r.status_code == 400 and r.json()["field"] == "client_id"
    assert not Talk.objects.filter(school_class=other).exists()
