"""The pages: the school's plan of this term (phone first), create from a template, an item
(mark done with a photo, summarise, schedule a check), the PDF, the county page; outsiders 404."""

from __future__ import annotations

import pytest

from safecampus.termplan.models import ItemKind, ItemStatus, TermPlan

from .test_services import photo

pytestmark = pytest.mark.django_db


def test_home_without_a_plan_offers_to_create_it(client_for, in_term, principal, school):
    c = client_for(principal)
    r = c.get("/termplan/")
    assert r.status_code == 200 and b'id="create-plan"' in r.content
    r = c.get("/termplan/new/")
    assert r.status_code == 200 and b'id="create-current"' in r.content
    r = c.post("/termplan/new/", {"which": "current"})
    plan = TermPlan.objects.get(unit=school)
    assert r.status_code == 302 and r["Location"] == f"/termplan/plans/{plan.pk}/"
    r = c.post("/termplan/new/", {"which": "current"}, follow=True)  # twice: a clear message
    assert TermPlan.objects.filter(unit=school).count() == 1
    assert "already has a plan" in r.content.decode()


def test_plan_page_and_pdf(client_for, plan, principal, county):
    r = client_for(principal).get("/termplan/")
    body = r.content.decode()
    assert r.status_code == 200 and plan.title in body
    assert body.count('class="card mb-3 plan-month') == 5 and 'id="publish"' in body
    r = client_for(principal).post(f"/termplan/plans/{plan.pk}/status/", {"action": "publish"})
    plan.refresh_from_db()
    assert r.status_code == 302 and plan.status == "published"
    r = client_for(county).get(f"/termplan/plans/{plan.pk}/")
    assert (
        r.status_code == 200
        and 'id="publish"' not in r.content.decode()
        and 'id="withdraw"' not in r.content.decode()
    )
    r = client_for(county).get(f"/termplan/plans/{plan.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")


def test_item_done_with_photo_then_summary(client_for, plan, safety):
    item = plan.items.order_by("planned_on").first()
    c = client_for(safety)
    url = f"/termplan/items/{item.pk}/"
    assert b'id="mark-done"' in c.get(url).content
    r = c.post(url, {"action": "done", "note": "已完成", "file": photo(), "done_on": "2026-09-01"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.evidence_type == "image/jpeg"
    assert c.get(f"/termplan/items/{item.pk}/evidence/").status_code == 200
    r = c.post(url, {"action": "summarise", "summary": ""}, follow=True)
    assert "Write the summary" in r.content.decode()
    c.post(url, {"action": "summarise", "summary": "效果良好"})
    item.refresh_from_db()
    assert item.status == ItemStatus.SUMMARISED


def test_special_check_item_schedules_a_check_from_the_page(client_for, plan, safety, school):
    from safecampus.checks.queries import usable_at

    item = plan.items.filter(kind=ItemKind.SPECIAL_CHECK).order_by("-planned_on").first()
    c = client_for(safety)
    assert b'id="schedule-check"' in c.get(f"/termplan/items/{item.pk}/").content
    c.post(f"/termplan/items/{item.pk}/", {"action": "schedule", "template": usable_at(school).first().pk})
    item.refresh_from_db()
    assert item.schedule_id is not None


def test_county_page(client_for, plan, county):
    r = client_for(county).get("/termplan/stats/", {"unit": "demo-c1-k1"})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="fig-with-plan">1<' in body
    assert body.count('class="child-row"') == 3 and body.count("no-plan") == 2
    assert client_for(county).get("/termplan/").status_code == 302  # a bureau: the county page


@pytest.mark.parametrize("who", ["outsider", "outsider_principal"])
def test_outsiders_404(client_for, plan, who, request):
    c = client_for(request.getfixturevalue(who))
    item = plan.items.first()
    theme = plan.themes.first()
    for url in (f"/termplan/plans/{plan.pk}/", f"/termplan/plans/{plan.pk}/pdf/",
                f"/termplan/items/{item.pk}/", f"/termplan/themes/{theme.pk}/",
                f"/termplan/items/{item.pk}/evidence/",
                "/termplan/?unit=demo-c1-k1-s1", "/termplan/stats/?unit=demo-c1-k1"):  # fmt: skip
        r = c.get(url)
        assert r.status_code == 404, url
        assert "东港区" not in r.content.decode()
    r = c.post(f"/termplan/items/{item.pk}/", {"action": "done", "note": "x"})
    assert r.status_code == 404
    item.refresh_from_db()
    assert item.status == ItemStatus.PLANNED


def test_today_cards(client_for, plan, safety, county):
    from safecampus.core.today import cards_for

    mine = {c["key"]: c for c in cards_for(safety)}
    assert (
        mine["termplan.open_this_month"]["count"]
        == plan.items.filter(month=202609, planned_on__gte="2026-09-01").count()
    )
    theirs = {c["key"]: c for c in cards_for(county)}
    assert theirs["termplan.schools_without_plan"]["count"] == 2
    assert "termplan.open_this_month" not in theirs
