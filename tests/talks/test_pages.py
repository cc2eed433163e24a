"""The 1530 pages: the head teacher records today's talk from the phone page, the register and
its PDF, the statistics drill-down; outsiders get 404 and see nothing."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from safecampus.talks import settle
from safecampus.talks.models import Talk

from .helpers import make_class

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 16, 8, 0, tzinfo=dt.UTC)  # Friday 16:00 in Shanghai: 5 minutes due


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def klass(school, head_teacher):
    return make_class(school, 3, 1, head_teacher)


def test_head_teacher_records_today(client_for, head_teacher, klass, school):
    c = client_for(head_teacher)
    settle.settle(dt.date(2026, 10, 15))
    page = c.get("/talks/")
    assert page.status_code == 200
    assert f'id="talk-{klass.pk}"' in page.content.decode() and 'id="missed"' in page.content.decode()
    r = c.post("/talks/", {"client_id": str(uuid.uuid4()), "class_id": klass.pk, "date": "2026-10-16",
                           "kind": "weekend", "topic": "防溺水", "minutes": "4"})  # fmt: skip
    assert r.status_code == 200 and "is-invalid" in r.content.decode()  # under 5 minutes
    r = c.post("/talks/", {"client_id": str(uuid.uuid4()), "class_id": klass.pk, "date": "2026-10-16",
                           "kind": "weekend", "topic": "防溺水", "minutes": "5"})  # fmt: skip
    assert r.status_code == 302
    assert Talk.objects.get(school_class=klass).minutes == 5
    assert "talk-done" in c.get("/talks/").content.decode()
    reg = c.get(f"/talks/classes/{klass.pk}/?month=2026-10")
    assert (
        reg.status_code == 200 and "防溺水" in reg.content.decode() and "table-danger" in reg.content.decode()
    )
    assert c.get(f"/talks/classes/{klass.pk}/?month=9999-12").status_code == 200
    assert c.get("/api/v1/talks/due?date=9999-12-31").status_code in (400, 401, 403)
    pdf = c.get(f"/talks/classes/{klass.pk}/register.pdf?month=2026-10")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_stats_drill_down(client_for, principal, county, klass, school):
    settle.settle(dt.date(2026, 10, 15))
    r = client_for(county).get("/talks/stats/?unit=demo-c1-k1")
    assert r.status_code == 200 and school.name in r.content.decode()
    r = client_for(principal).get(f"/talks/stats/?unit={school.code}")
    assert r.status_code == 200 and str(klass) in r.content.decode()


def test_school_stats_show_each_grade_above_its_classes(client_for, principal, head_teacher, klass, school):
    """Grade 3's row sums its two classes (one talk recorded of two due) and stands above them."""
    import re

    other = make_class(school, 3, 2, principal)
    settle.settle(dt.date(2026, 10, 15))
    client_for(head_teacher).post("/talks/", {"client_id": str(uuid.uuid4()), "class_id": klass.pk,
                                              "date": "2026-10-16", "kind": "weekend", "topic": "防溺水",
                                              "minutes": "5"})  # fmt: skip
    settle.settle(dt.date(2026, 10, 16))
    page = client_for(principal).get(f"/talks/stats/?unit={school.code}").content.decode()
    grade = re.search(r'<tr class="table-light grade-row">(.*?)</tr>', page, re.S)
    assert grade and str(klass.grade) in grade.group(1)
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', grade.group(1))
    assert cells[:2] == ["4", "1"], cells  # due: 2 classes × 2 days; done: 1
    assert page.index("grade-row") < page.index(str(klass)) < page.index(str(other))


def test_outsiders_get_404(client_for, outsider, outsider_principal, klass, school):
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in (
            f"/talks/classes/{klass.pk}/",
            f"/talks/classes/{klass.pk}/register.pdf",
            f"/talks/stats/?unit={school.code}",
            "/talks/stats/?unit=demo-c1-k1",
        ):
            assert c.get(url).status_code == 404, (user.username, url)
        assert str(klass) not in c.get("/talks/").content.decode()


def test_photo_is_served_to_readers_only(client_for, head_teacher, outsider_principal, klass):
    from .samples import _jpeg

    c = client_for(head_teacher)
    form = {"client_id": str(uuid.uuid4()), "class_id": klass.pk, "date": "2026-10-16", "kind": "weekend",
            "topic": "防溺水", "minutes": "5", "photo": _jpeg()}  # fmt: skip
    r = c.post("/talks/", form)
    assert r.status_code == 302
    talk = Talk.objects.get(school_class=klass)
    assert talk.photo
    assert c.get(f"/talks/{talk.pk}/photo").status_code == 200
    assert client_for(outsider_principal).get(f"/talks/{talk.pk}/photo").status_code == 404


def test_unsettled_past_days_are_not_missed(client_for, head_teacher, klass):
    """A past school day counts as missed once settled as due (as the statistics and the "today"
    cards count it): not the days before a class existed, which no settlement made due."""
    c = client_for(head_teacher)
    page = c.get("/talks/").content.decode()
    assert 'id="missed"' not in page
    reg = c.get(f"/talks/classes/{klass.pk}/?month=2026-10").content.decode()
    assert "table-danger" not in reg
    settle.settle(dt.date(2026, 10, 14))
    page = c.get("/talks/").content.decode()
    assert 'id="missed"' in page and "2026-10-14" in page and "2026-10-13" not in page
    reg = c.get(f"/talks/classes/{klass.pk}/?month=2026-10").content.decode()
    assert reg.count("table-danger") == 1


def test_a_talk_kept_offline_is_sent_once(
    client_for, head_teacher, klass, principal, outsider_principal, outsider
):
    """The phone page's offline queue posts JSON to /talks/record/: 201, then 200 for the same
    client id (one talk); bad input is a 400 with the field; another school's class a 404."""
    import json

    from safecampus.talks.models import Talk

    c = client_for(head_teacher)
    record = {"client_id": str(uuid.uuid4()), "class_id": klass.pk, "date": "2026-10-16", "kind": "weekend",
              "topic": "防溺水", "minutes": "5", "note": ""}  # fmt: skip
    send = lambda body: c.post("/talks/record/", data=json.dumps(body), content_type="application/json")  # noqa: E731
    first = send(record)
    assert first.status_code == 201 and first.json()["class_id"] == klass.pk
    assert send(record).status_code == 200
    assert Talk.objects.filter(school_class=klass).count() == 1
    bad = c.post("/talks/record/", data="not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"]
    r = send({**record, "client_id": str(uuid.uuid4()), "minutes": "4"})
    assert r.status_code == 400 and r.json()["field"] == "minutes"
    assert c.get("/talks/record/").status_code == 405
    for user in (outsider_principal, outsider):  # another school's class: 404, nothing written
        theirs = {
            **record,
            "client_id": str(uuid.uuid4()),
            "date": "2026-10-15",
            "kind": "daily",
            "minutes": "1",
        }
        other = client_for(user).post(
            "/talks/record/", data=json.dumps(theirs), content_type="application/json"
        )
        assert other.status_code == 404, user.username
    assert Talk.objects.filter(school_class=klass).count() == 1
    page = c.get("/talks/").content.decode()
    assert 'id="talk-offline"' in page and "talks/record.js" in page
