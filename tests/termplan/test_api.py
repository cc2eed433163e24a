"""The term plan API: lists, one plan, statistics (equal to a recount), done/summary with client
ids, bad input 400 translated and nothing changed, outsiders 404 and no data."""

from __future__ import annotations

import pytest

from safecampus.termplan import services
from safecampus.termplan.models import ItemStatus, PlanItem, TermPlan

pytestmark = pytest.mark.django_db
CID = "5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"


def test_list_and_read(api_client_for, county, plan):
    api = api_client_for(county)
    r = api.get("/api/v1/termplan/plans", {"unit": "demo-c1-k1"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 1 and body["items"][0]["id"] == plan.pk
    assert body["items"][0]["items"] == 22 and body["items"][0]["done"] == 0
    r = api.get(f"/api/v1/termplan/plans/{plan.pk}")
    assert r.status_code == 200
    months = r.json()["months"]
    assert [m["month"] for m in months] == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    assert months[0]["theme"].startswith("Back-to-school")
    assert api.get("/api/v1/termplan/plans", {"unit": "demo-c1-k1", "limit": 501}).status_code == 422


def test_done_and_summary_with_client_ids(api_client_for, safety, plan):
    api = api_client_for(safety)
    item = plan.items.order_by("planned_on").first()
    url = f"/api/v1/termplan/items/{item.pk}/done"
    r = api.post(url, {"client_id": CID, "note": "已召开"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "done"
    r = api.post(url, {"client_id": CID, "note": "重复"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["evidence_note"] == "已召开"
    r = api.post(url, {"note": "again"}, content_type="application/json")
    assert r.status_code == 409
    s = f"/api/v1/termplan/items/{item.pk}/summary"
    r = api.post(s, {"client_id": CID, "summary": "效果良好"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "summarised"
    assert api.post(s, {"client_id": CID, "summary": "x"}, content_type="application/json").status_code == 200


def test_bad_input_400_translated_and_nothing_changed(api_client_for, safety, plan):
    api = api_client_for(safety)
    item = plan.items.order_by("planned_on").first()
    url = f"/api/v1/termplan/items/{item.pk}/done"
    r = api.post(url, {"note": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "note"
    r = api.post(url, {"note": "x", "client_id": "nope"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "client_id"
    r = api.post(url, {"note": "x", "client_id": "nope"}, content_type="application/json",
                 HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert r.status_code == 400 and r.json()["detail"] == "客户端 ID 必须是 UUID。"
    r = api.post(url, {"note": "x", "done_on": "2027-01-01"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "done_on"
    r = api.post(
        f"/api/v1/termplan/items/{item.pk}/summary", {"summary": "x"}, content_type="application/json"
    )
    assert r.status_code == 409
    r = api.get("/api/v1/termplan/stats", {"unit": "demo-c1-k1-s1", "term": "20263"})
    assert r.status_code == 400 and r.json()["field"] == "term"
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED and not item.evidence_note


def test_stats_equal_a_recount(api_client_for, county, plan, safety, school):
    for item in plan.items.order_by("planned_on")[:4]:
        services.mark_done(item, actor=safety, note="done")
    services.summarise(plan.items.filter(status="done").first(), actor=safety, summary="s")
    api = api_client_for(county)
    r = api.get("/api/v1/termplan/stats", {"unit": "demo-c1-k1"})
    assert r.status_code == 200, r.content
    body = r.json()
    items = PlanItem.objects.filter(unit_path__startswith=school.path[:-4])
    done = items.filter(status__in=("done", "summarised")).count()
    assert body["unit"] == "demo-c1-k1" and body["term"] == 20261
    n = items.count()
    assert body["totals"] == {"schools": 3, "with_plan": 1, "published": 0, "items": n, "done": done,
                              "summarised": 1, "rate": round(done / n, 6)}  # fmt: skip
    r = api.get("/api/v1/termplan/stats/children", {"unit": "demo-c1-k1"})
    rows = {row["unit"]: row["totals"] for row in r.json()}
    assert rows["demo-c1-k1-s1"]["with_plan"] == 1 and rows["demo-c1-k1-s1"]["done"] == 4
    assert rows["demo-c1-k1-s3"] == {"schools": 1, "with_plan": 0, "published": 0, "items": 0, "done": 0,
                                     "summarised": 0, "rate": None}  # fmt: skip
    r = api.get("/api/v1/termplan/stats", {"unit": "demo"})
    assert r.status_code == 404  # the county reads its own area only
    province = api_client_for(plan.created_by.__class__.objects.get(username="demo_province"))
    top = province.get("/api/v1/termplan/stats", {"unit": "demo"}).json()["totals"]
    assert top["with_plan"] == TermPlan.objects.filter(term_key=20261).count() and top["done"] == done


@pytest.mark.parametrize("who", ["demo_county2", "demo_principal2"])
def test_outsiders_get_404_and_no_data(api_client_for, plan, who):
    from safecampus.accounts.models import User

    api = api_client_for(User.objects.get(username=who))
    item = plan.items.first()
    assert api.get(f"/api/v1/termplan/plans/{plan.pk}").status_code == 404
    assert api.get("/api/v1/termplan/plans", {"unit": "demo-c1-k1"}).status_code == 404
    assert api.get("/api/v1/termplan/stats", {"unit": "demo-c1-k1-s1"}).status_code == 404
    r = api.post(f"/api/v1/termplan/items/{item.pk}/done", {"note": "x"}, content_type="application/json")
    assert r.status_code == 404
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED
    own = api.get(
        "/api/v1/termplan/plans", {"unit": "demo-c1-k2" if who == "demo_county2" else "demo-c1-k2-s1"}
    )
    assert own.status_code == 200 and own.json()["count"] == 0


def test_children_stats_read_in_a_fixed_number_of_queries(
    api_client_for, county, plan, django_assert_max_num_queries
):
    """A county's schools are one grouped read of the cells and one count of schools, however many."""
    from safecampus.core.models import Unit
    from safecampus.core.services import create_unit

    api = api_client_for(county)
    api.get("/api/v1/termplan/stats/children", {"unit": "demo-c1-k1"})  # warm the caches
    with django_assert_max_num_queries(16) as first:
        assert api.get("/api/v1/termplan/stats/children", {"unit": "demo-c1-k1"}).status_code == 200
    k1 = Unit.objects.get(code="demo-c1-k1")
    operator = county.__class__.objects.get(username="demo_operator")
    for n in range(5):
        create_unit(
            k1, actor=operator, code=f"tp-extra-{n}", name=f"新学校{n}", kind="school", school_type="primary"
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        r = api.get("/api/v1/termplan/stats/children", {"unit": "demo-c1-k1"})
    assert len(r.json()) == 8


def test_done_with_a_photo_upload(api_client_for, safety, plan):
    from .test_services import photo

    api = api_client_for(safety)
    item = plan.items.order_by("planned_on").first()
    url = f"/api/v1/termplan/items/{item.pk}/done/upload"
    r = api.post(url, {"note": "照片为证"})
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = api.post(url, {"note": "x", "file": photo(), "client_id": CID})
    assert r.status_code == 201, r.content
    assert r.json()["has_file"] and r.json()["status"] == "done"
    r = api.post(url, {"client_id": CID})
    assert r.status_code == 200, r.content  # a retry without the file: the first result
