"""The visitors' pages as their users use them: the guard's desk with one code box, check-in and
check-out; the host's visitors and approval; the public booking page and pass; the gate log and
its export; the watch list; masked numbers with an audited reveal; outsiders 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from safecampus.core.models import AuditEvent
from safecampus.visitors import services
from safecampus.visitors.models import BookingLink, Visit, VisitStatus, WatchEntry

from .conftest import cid, id_number

DESK = "/gate/visits/"


def test_desk_code_box_finds_the_visit_and_checks_in_and_out(client_for, guard, make_visit) -> None:
    visit = make_visit()
    c = client_for(guard)
    page = c.get(DESK)
    assert page.status_code == 200 and b'id="code-box"' in page.content
    assert visit.visitor_name in page.content.decode()  # expected today
    found = c.get(DESK, {"code": visit.pass_code.lower()})
    assert found.status_code == 302 and found["Location"] == f"/gate/visits/{visit.pk}/"
    assert b'id="check-in"' in c.get(found["Location"]).content
    assert c.post(f"/gate/visits/{visit.pk}/check-in/").status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.INSIDE
    assert b'id="inside-count">1<' in c.get(DESK).content
    c.post(f"/gate/visits/{visit.pk}/check-out/")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.LEFT


def test_unknown_code_says_so(client_for, guard) -> None:
    page = client_for(guard).get(DESK, {"code": "VNOPE2345"})
    assert page.status_code == 200 and b'id="code-not-found"' in page.content


def test_desk_lists_by_query_count(client_for, guard, make_visit, django_assert_max_num_queries) -> None:
    for _i in range(10):
        services.check_in(make_visit(), actor=guard)
    c = client_for(guard)
    c.get(DESK)
    with django_assert_max_num_queries(25):
        assert c.get(DESK).status_code == 200


def test_watch_match_warns_on_lookup(client_for, guard, principal, school, make_visit) -> None:
    from safecampus.visitors import watch

    watch.add_entry(school, actor=principal, data={"name": "周强", "reason": "custody"})
    visit = make_visit(visitor_name="周强")
    page = client_for(guard).get(f"/gate/visits/{visit.pk}/")
    assert b'id="watch-alert"' in page.content
    assert AuditEvent.objects.filter(
        verb="visitors.watch_matched", target_id=str(visit.pk), after__on="lookup"
    ).exists()


def test_walk_in_form(client_for, guard) -> None:
    c = client_for(guard)
    assert c.get("/gate/visits/walk-in/").status_code == 200
    bad = c.post(
        "/gate/visits/walk-in/",
        {"client_id": cid(), "visitor_name": "李华", "purpose": "送货", "id_number": "123"},
    )
    assert bad.status_code == 200 and b"invalid-feedback" in bad.content
    assert not Visit.objects.filter(visitor_name="李华").exists()
    ok = c.post(
        "/gate/visits/walk-in/",
        {"client_id": cid(), "visitor_name": "李华", "purpose": "送货", "id_number": id_number()},
    )
    assert ok.status_code == 302
    assert Visit.objects.get(visitor_name="李华").status == VisitStatus.INSIDE


def test_host_registers_and_approves_a_booking(client_for, head_teacher, guard, school) -> None:
    c = client_for(head_teacher)
    resp = c.post("/gate/visits/new/", {
        "client_id": cid(), "visitor_name": "王建国", "purpose": "家长约谈",
        "expected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert resp.status_code == 302
    assert Visit.objects.get(visitor_name="王建国").status == VisitStatus.APPROVED
    link = services.booking_link(school, actor=guard)
    pending = services.book_visit(link, data={
        "visitor_name": "孙伟", "visitor_phone": "13505327777", "id_number": id_number(),
        "host_name": head_teacher.display_name, "purpose": "咨询", "expected_at": timezone.now(),
    })  # fmt: skip
    mine = c.get("/gate/visits/mine/")
    assert f'id="pending-{pending.pk}"'.encode() in mine.content
    assert b'id="approve"' in c.get(f"/gate/visits/{pending.pk}/").content
    c.post(f"/gate/visits/{pending.pk}/approve/")
    pending.refresh_from_db()
    assert pending.status == VisitStatus.APPROVED


def test_public_booking_and_pass(school, guard, head_teacher) -> None:
    link = services.booking_link(school, actor=guard)
    c = Client()
    url = f"/gate/visits/book/{link.token}/"
    assert c.get(url).status_code == 200
    bad = c.post(url, {"visitor_name": "孙伟", "visitor_phone": "1", "host_name": "无此人"})
    assert bad.status_code == 400 and not Visit.objects.filter(visitor_name="孙伟").exists()
    ok = c.post(url, {
        "visitor_name": "孙伟", "visitor_phone": "13505327777", "id_number": id_number(),
        "host_name": head_teacher.display_name, "purpose": "咨询",
        "expected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert ok.status_code == 302
    visit = Visit.objects.get(visitor_name="孙伟")
    assert visit.status == VisitStatus.PENDING
    pass_page = c.get(ok["Location"])
    assert b'id="pass-pending"' in pass_page.content and b"13505327777" not in pass_page.content
    services.approve(visit, actor=head_teacher)
    assert b'id="pass-qr"' in c.get(ok["Location"]).content
    assert c.get("/gate/visits/book/not-a-token/").status_code == 404


def test_public_booking_is_rate_limited(school, guard, head_teacher) -> None:
    link = services.booking_link(school, actor=guard)
    c = Client()
    for _i in range(10):
        c.post(f"/gate/visits/book/{link.token}/", {"visitor_name": ""})
    assert c.post(f"/gate/visits/book/{link.token}/", {"visitor_name": ""}).status_code == 429


def test_reveal_is_audited(client_for, guard, make_visit) -> None:
    visit = make_visit()
    c = client_for(guard)
    page = c.get(f"/gate/visits/{visit.pk}/").content.decode()
    assert id_number() not in page and visit.id_number_masked in page
    shown = c.post(f"/gate/visits/{visit.pk}/reveal/id_number/")
    assert id_number() in shown.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(visit.pk)).count() == 1


def test_gate_log_page_and_export(client_for, guard, make_visit) -> None:
    visit = make_visit()
    services.check_in(visit, actor=guard)
    c = client_for(guard)
    page = c.get("/gate/visits/log/", {"unit": "demo-c1-k1-s1"})
    assert page.status_code == 200 and b'id="log-table"' in page.content
    export = c.get(
        "/gate/visits/log.xlsx", {"unit": "demo-c1-k1-s1", "date": timezone.localdate().isoformat()}
    )
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(export.streaming_content)


def test_watch_list_page(client_for, principal, guard, school) -> None:
    c = client_for(principal)
    assert c.get("/gate/visits/watchlist/").status_code == 200
    bad = c.post("/gate/visits/watchlist/", {"name": "", "reason": "custody"})
    assert bad.status_code == 400 and not WatchEntry.objects.filter(unit=school).exists()
    c.post(
        "/gate/visits/watchlist/",
        {"name": "周强", "reason": "custody", "id_number": id_number("37020219850312571")},
    )
    entry = WatchEntry.objects.get(unit=school)
    assert client_for(guard).get("/gate/visits/watchlist/").status_code == 404
    c.post(f"/gate/visits/watchlist/{entry.pk}/remove/")
    entry.refresh_from_db()
    assert not entry.is_active


def test_booking_poster(client_for, guard, school) -> None:
    page = client_for(guard).get("/gate/visits/booking-qr/")
    assert page.status_code == 200 and b'id="booking-qr"' in page.content
    assert BookingLink.objects.filter(unit=school).exists()


@pytest.mark.parametrize("name", ["outsider", "outsider_principal", "county"])
def test_others_404(request, client_for, make_visit, name) -> None:
    visit = make_visit()
    c = client_for(request.getfixturevalue(name))
    pages = ("", "log/", "log.xlsx", "watchlist/", "walk-in/", "booking-qr/")
    for url in [f"/gate/visits/{visit.pk}/", *(f"/gate/visits/{p}?unit=demo-c1-k1-s1" for p in pages)]:
        resp = c.get(url)
        assert resp.status_code == 404, url
        assert "东港区访客" not in resp.content.decode() if not resp.streaming else True
    for action in ("check-in", "check-out", "approve", "decline", "cancel", "reveal/phone"):
        assert c.post(f"/gate/visits/{visit.pk}/{action}/").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.APPROVED


@pytest.mark.parametrize("code", ["V\x00ABC", "   ", "x" * 500, "V-🙂-%"])
def test_odd_codes_are_not_found_never_500(client_for, guard, code) -> None:
    resp = client_for(guard).get(DESK, {"code": code})
    assert resp.status_code == 200


def test_county_audit_shows_no_names(client_for, county, guard, principal, school, make_visit) -> None:
    from safecampus.visitors import watch

    watch.add_entry(school, actor=principal, data={"name": "东港区被禁人", "reason": "custody"})
    visit = make_visit(visitor_name="东港区访客甲")
    services.check_in(visit, actor=guard)
    body = client_for(county).get("/audit/").content.decode()
    assert "东港区访客甲" not in body and "东港区被禁人" not in body and "13905321234" not in body


def test_gate_log_export_rows(client_for, guard, make_visit) -> None:
    import io

    from openpyxl import load_workbook

    visit = make_visit(purpose='=HYPERLINK("http://evil.example")')
    services.check_in(visit, actor=guard)
    services.check_out(visit, actor=guard)
    resp = client_for(guard).get("/gate/visits/log.xlsx", {"unit": "demo-c1-k1-s1"})
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    rows = [r for r in values if r and r[3] == visit.name_masked]
    assert len(rows) == 2 and all(str(r[4]).startswith("'=") for r in rows)
    assert not any(visit.visitor_name in str(c) for r in values for c in r if c)
