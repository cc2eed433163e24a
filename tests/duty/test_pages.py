"""Duty pages: the principal's week roster, the teacher's "my shift" with take over / hand over,
a shift's page, the rota generator, swaps; outsiders 404 and see nothing; today cards and nav."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from safecampus.core import nav, today
from safecampus.duty.demo import load_demo_duty
from safecampus.duty.models import Rota, Shift, ShiftStatus, Swap

from .conftest import at

NOW = at(2026, 9, 16, 10)  # a Wednesday: Monday and Tuesday handed over


@pytest.fixture
def roster(demo):
    with time_machine.travel(NOW, tick=False):
        load_demo_duty()


@time_machine.travel(NOW, tick=False)
def test_roster_week_for_the_principal(roster, client_for, principal, head_teacher):
    r = client_for(principal).get("/duty/?unit=demo-c1-k1-s1")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="roster-week"' in html and 'id="roster-days"' in html
    assert principal.name in html and head_teacher.name in html and "new-rota" in html
    assert client_for(principal).get("/duty/?unit=demo-c1-k1-s1&week=2026-09-21").status_code == 200
    assert client_for(principal).get("/duty/?week=garbage").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_teacher_my_shift_hand_over(roster, client_for, head_teacher):
    c = client_for(head_teacher)
    assert c.get("/duty/").status_code == 302  # not a roster reader: to "my shift"
    r = c.get("/duty/today/")
    html = r.content.decode()
    assert r.status_code == 200 and "duty-hand-over" in html
    shift = Shift.objects.get(person=head_teacher, date="2026-09-16")
    assert shift.status == ShiftStatus.ON_DUTY
    r = c.post(
        f"/duty/shifts/{shift.pk}/hand-over/", {"client_id": str(uuid.uuid4()), "note": "", "next": "today"}
    )
    assert r.status_code == 302
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.ON_DUTY  # no note: refused, nothing changed
    c.post(
        f"/duty/shifts/{shift.pk}/hand-over/",
        {"client_id": str(uuid.uuid4()), "note": "学生安全离校", "next": "today"},
    )
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.HANDED_OVER
    page = c.get(f"/duty/shifts/{shift.pk}/").content.decode()
    assert "学生安全离校" in page and 'id="handover-log"' in page


@time_machine.travel(NOW, tick=False)
def test_rota_form_and_swaps_pages(roster, client_for, principal, safety, guard):
    c = client_for(principal)
    assert c.get("/duty/rotas/new/?unit=demo-c1-k1-s1").status_code == 200
    assert c.get("/duty/rotas/?unit=demo-c1-k1-s1").status_code == 200
    n = Rota.objects.count()
    r = c.post(
        "/duty/rotas/new/",
        {
            "unit": "demo-c1-k1-s1",
            "kind": "gate",
            "slot": "evening",
            "starts_on": "2026-09-21",
            "ends_on": "2026-09-25",
            "people": [guard.pk],
        },
    )
    assert r.status_code == 200 and 'id="form-error"' in r.content.decode() and Rota.objects.count() == n
    r = c.post(
        "/duty/rotas/new/",
        {
            "unit": "demo-c1-k1-s1",
            "kind": "duty",
            "slot": "evening",
            "rotation": "daily",
            "weekdays": ["1", "2", "3", "4", "5"],
            "starts_on": "2026-09-21",
            "ends_on": "2026-09-25",
            "people": [safety.pk, guard.pk],
        },
    )
    assert r.status_code == 302 and Rota.objects.count() == n + 1
    rota = Rota.objects.order_by("-pk").first()
    assert Shift.objects.filter(rota=rota).count() == 4  # Friday 9-25 is 中秋节
    c.post(f"/duty/rotas/{rota.pk}/generate/")
    assert Shift.objects.filter(rota=rota).count() == 4
    swaps_page = c.get("/duty/swaps/?unit=demo-c1-k1-s1").content.decode()
    assert "swap-list" in swaps_page and "/approve/" in swaps_page
    swap = Swap.objects.get(status="requested")
    c.post(f"/duty/swaps/{swap.pk}/approve/")
    assert Swap.objects.get(pk=swap.pk).status == "approved"


@time_machine.travel(NOW, tick=False)
def test_today_cards_and_nav(roster, principal, head_teacher, safety):
    teacher_cards = {c["key"]: c["count"] for c in today.cards_for(head_teacher)}
    assert teacher_cards.get("duty.my_shift") == 1
    principal_cards = {c["key"]: c["count"] for c in today.cards_for(principal)}
    assert principal_cards.get("duty.swaps") == 1  # demo_safety's swap waits for approval
    assert "duty.missed" in principal_cards
    assert "duty.swaps" not in {c["key"] for c in today.cards_for(head_teacher)}
    from safecampus.core.models import Membership

    for user in (principal, head_teacher):  # every member of the school's staff may stand a shift
        active = Membership.objects.filter(user=user, unit__code="demo-c1-k1-s1").first()
        urls = [e.get("url") for e in nav.menu_for(user, "/", active) for e in (e.get("items") or [e])]
        assert "/duty/" in urls


@pytest.mark.parametrize("who", ["outsider", "outsider_principal"])
@time_machine.travel(NOW, tick=False)
def test_outsiders_404_on_pages(roster, client_for, request, who, principal):
    c = client_for(request.getfixturevalue(who))
    shift = Shift.objects.filter(unit__code="demo-c1-k1-s1").first()
    swap, rota = Swap.objects.first(), Rota.objects.first()
    for path in (
        "/duty/?unit=demo-c1-k1-s1",
        f"/duty/shifts/{shift.pk}/",
        "/duty/rotas/?unit=demo-c1-k1-s1",
        "/duty/rotas/new/?unit=demo-c1-k1-s1",
        "/duty/swaps/?unit=demo-c1-k1-s1",
    ):
        assert c.get(path).status_code == 404, path
    for path in (
        f"/duty/shifts/{shift.pk}/take-over/",
        f"/duty/shifts/{shift.pk}/hand-over/",
        f"/duty/shifts/{shift.pk}/swap/",
        f"/duty/shifts/{shift.pk}/edit/",
        f"/duty/rotas/{rota.pk}/generate/",
        f"/duty/swaps/{swap.pk}/approve/",
        f"/duty/swaps/{swap.pk}/reject/",
    ):
        assert c.post(path, {"note": "x"}).status_code == 404, path
    for path in ("/duty/today/", "/duty/"):
        r = c.get(path)
        assert r.status_code in (200, 302, 404)
        assert principal.name not in r.content.decode()
    assert Swap.objects.get(pk=swap.pk).status == "requested"


@time_machine.travel(NOW, tick=False)
def test_manager_changes_and_removes_a_planned_shift(roster, client_for, principal, safety, head_teacher):
    shift = Shift.objects.filter(person=head_teacher, date="2026-09-18").first()
    c = client_for(principal)
    assert "edit-shift" in c.get(f"/duty/shifts/{shift.pk}/").content.decode()
    c.post(f"/duty/shifts/{shift.pk}/edit/", {"person": "abc"})
    assert Shift.objects.get(pk=shift.pk).person_id == head_teacher.pk  # bad input: unchanged
    c.post(f"/duty/shifts/{shift.pk}/edit/", {"person": safety.pk, "post": "一楼"})
    assert Shift.objects.get(pk=shift.pk).person_id == safety.pk
    c.post(f"/duty/shifts/{shift.pk}/edit/", {"remove": "1"})
    assert not Shift.objects.filter(pk=shift.pk).exists()
    teacher_shift = Shift.objects.filter(person=head_teacher, date="2026-09-17").first()
    assert (
        client_for(head_teacher).post(f"/duty/shifts/{teacher_shift.pk}/edit/", {"remove": "1"}).status_code
        == 302
    )
    assert Shift.objects.filter(pk=teacher_shift.pk).exists()  # not a manager


@time_machine.travel(NOW, tick=False)
def test_county_sees_its_schools(roster, client_for, county, outsider, principal):
    html = client_for(county).get("/duty/").content.decode()
    assert 'id="duty-schools"' in html and "demo-c1-k1-s1" in html and principal.name in html
    assert client_for(county).get("/duty/?unit=demo-c1-k1-s1").status_code == 200
    other = client_for(outsider).get("/duty/").content.decode()
    assert "demo-c1-k1-s1" not in other and principal.name not in other


@time_machine.travel(NOW, tick=False)
def test_roster_and_list_queries_are_bounded(
    roster, client_for, api_client_for, principal, django_assert_max_num_queries
):
    c = client_for(principal)
    c.get("/duty/?unit=demo-c1-k1-s1")  # warm caches (policy, calendar)
    with django_assert_max_num_queries(16):
        assert c.get("/duty/?unit=demo-c1-k1-s1").status_code == 200
    api = api_client_for(principal)
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/duty/shifts?unit=demo-c1-k1-s1&limit=100").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_add_a_shift_from_the_roster(roster, client_for, principal, safety, outsider_principal):
    c = client_for(principal)
    assert 'id="add-shift"' in c.get("/duty/?unit=demo-c1-k1-s1").content.decode()
    n = Shift.objects.count()
    form = {"unit": "demo-c1-k1-s1", "kind_slot": "duty:evening", "date": "2026-09-17", "person": safety.pk}
    c.post("/duty/shifts/new/", {**form, "date": "2026-09-01"})  # a past day: refused
    c.post("/duty/shifts/new/", {**form, "kind_slot": "gate:evening"})  # not a gate slot: refused
    assert Shift.objects.count() == n
    assert c.post("/duty/shifts/new/", form).status_code == 302
    assert Shift.objects.filter(person=safety, slot="evening", date="2026-09-17").exists()
    assert client_for(outsider_principal).post("/duty/shifts/new/", form).status_code == 404
    assert Shift.objects.count() == n + 1


def test_bad_dates_and_weekdays_answer_without_an_error(roster, client_for, api_client_for, principal):
    web = client_for(principal)
    for week in ("9999-12-31", "0001-01-01", "2026-13-40"):
        assert web.get(f"/duty/?week={week}", follow=True).status_code == 200, week
    r = api_client_for(principal).get("/api/v1/duty/shifts?from=9999-12-31")
    assert r.status_code == 400 and r.json()["field"] == "from"
    r = web.post("/duty/rotas/new/", {"kind": "duty", "slot": "day", "rotation": "weekly", "weekdays": ["²"],
                                      "starts_on": "2026-09-14", "ends_on": "2026-09-30",
                                      "people": [principal.pk]})  # fmt: skip
    assert r.status_code in (200, 302)  # a weekday that is no ASCII digit is ignored, not a 500
