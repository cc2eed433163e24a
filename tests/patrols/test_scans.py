"""POST /api/v1/patrols/scans: accepted, duplicate and refused; replays change nothing; another
school's code reads like an unknown one; a batch of 1,000 costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from safecampus.patrols import services
from safecampus.patrols.models import PatrolRound, RoundStatus, Scan

from .conftest import NINE, scan

pytestmark = pytest.mark.django_db

URL = "/api/v1/patrols/scans"


def post(client, items):
    return client.post(URL, data=json.dumps(items), content_type="application/json")


def test_accepted_then_replayed_as_duplicate(api_client_for, guard, points):
    c = api_client_for(guard)
    batch = [scan(p.code, NINE + dt.timedelta(minutes=1 + i)) for i, p in enumerate(points[:2])]
    r = post(c, batch)
    assert r.status_code == 200, r.content
    body = r.json()
    assert [x["result"] for x in body] == ["accepted", "accepted"]
    rnd = PatrolRound.objects.get(pk=body[0]["round"])
    assert rnd.scanned == 2 and rnd.status == RoundStatus.OPEN
    count = Scan.objects.count()
    again = post(c, batch).json()
    assert [x["result"] for x in again] == ["duplicate", "duplicate"]
    assert [x["round"] for x in again] == [rnd.pk, rnd.pk]
    assert Scan.objects.count() == count


def test_refusals(api_client_for, guard, points, sibling_school, outsider_principal):
    other = services.create_route(sibling_school, actor=outsider_principal,
                                  data={"name": "Other", "windows": "09:00"})  # fmt: skip
    foreign = services.add_checkpoint(other, actor=outsider_principal, data={"name": "Their gate"})
    c = api_client_for(guard)
    batch = [
        scan("NOSUCHCODE", NINE),
        scan(foreign.code, NINE),
        scan(points[0].code, NINE - dt.timedelta(hours=3)),  # no round open then
        {"id": str(uuid.uuid4()), "checkpoint": points[0].code, "at": "yesterday"},
        scan(points[0].code, NINE + dt.timedelta(hours=2)),  # ahead of the server's clock
        {"id": "not-a-uuid", "checkpoint": points[0].code, "at": NINE.isoformat()},
        "junk",
        scan(points[0].code, NINE - dt.timedelta(days=5)),  # too old
    ]
    body = post(c, batch).json()
    assert [x["result"] for x in body] == ["refused"] * len(batch)
    assert body[0]["reason"] == body[1]["reason"]  # another school's code reveals nothing
    assert "Their gate" not in json.dumps(body) and sibling_school.name not in json.dumps(body)
    assert all(x.get("reason") for x in body)
    assert not Scan.objects.filter(checkpoint__route__unit=sibling_school).exists()
    assert not Scan.objects.filter(checkpoint__in=points).exists()


def test_same_id_twice_in_one_batch(api_client_for, guard, points):
    one = scan(points[0].code, NINE)
    body = post(api_client_for(guard), [one, one]).json()
    assert [x["result"] for x in body] == ["accepted", "duplicate"]
    assert Scan.objects.filter(pk=one["id"]).count() == 1


def test_bad_batches(api_client_for, guard, points):
    c = api_client_for(guard)
    r = post(c, [scan(points[0].code, NINE)] * 1001)
    assert r.status_code == 400 and "1000" in r.json()["detail"]
    assert post(c, {"id": 1}).status_code == 400
    r = c.post(URL, data=b"{nope", content_type="application/json")
    assert r.status_code == 400
    assert not Scan.objects.exists() or not Scan.objects.filter(checkpoint__in=points).exists()


def test_outsider_gets_nothing(api_client_for, outsider, outsider_principal, points):
    body = post(api_client_for(outsider_principal), [scan(points[0].code, NINE)]).json()
    assert body[0]["result"] == "refused"
    r = api_client_for(outsider).get(
        "/api/v1/patrols/rounds", {"unit": "demo-c1-k1-s1", "date": "2026-03-10"}
    )
    assert r.status_code == 404
    r = api_client_for(outsider).get("/api/v1/patrols/rounds", {"unit": "no-such-unit"})
    assert r.status_code == 404


def test_rounds_api(api_client_for, guard, county, points):
    post(api_client_for(guard), [scan(points[0].code, NINE)])
    for who in (guard, county):
        r = api_client_for(who).get("/api/v1/patrols/rounds", {"unit": "demo-c1-k1-s1", "date": "2026-03-10"})
        assert r.status_code == 200
        data = r.json()
        mine = [i for i in data["items"] if i["route"] == points[0].route_id]
        assert len(mine) == 2 and mine[0]["scanned"] == 1 and mine[0]["total"] == 3
        assert mine[0]["status"] == "open" and data["count"] >= 2


def test_thousand_scans_bounded_queries(api_client_for, guard, points, django_assert_max_num_queries):
    c = api_client_for(guard)
    batch = [scan(points[i % 3].code, NINE + dt.timedelta(milliseconds=300 * i)) for i in range(1000)]
    # About 30 of its own whatever the size (SQLite splits the scans' insert into 9 statements,
    # PostgreSQL into 2) and a dozen for the roll-up's fold, which tests run at once.
    with django_assert_max_num_queries(55):
        r = post(c, batch)
    assert r.status_code == 200
    assert {x["result"] for x in r.json()} == {"accepted"}
    assert Scan.objects.filter(checkpoint__in=points).count() == 1000
    with django_assert_max_num_queries(20):
        again = post(c, batch)
    assert {x["result"] for x in again.json()} == {"duplicate"}


def test_page_endpoint_uses_the_same_service(client_for, guard, points):
    c = client_for(guard)
    r = c.post(
        "/patrols/scans", data=json.dumps([scan(points[0].code, NINE)]), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()[0]["result"] == "accepted"
    assert c.post("/patrols/scans", data="[", content_type="application/json").status_code == 400
