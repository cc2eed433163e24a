"""The register, the board, a guard's page and the forms: who sees what, masked data with an audited
"show", the Excel export, today cards; outsiders get 404 on every page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safecampus.core.models import AuditEvent, Unit
from safecampus.guards.models import Guard, SecurityCompany

pytestmark = pytest.mark.django_db


def test_register_lists_guards_and_staffing(client_for, school_admin, school, make_guard):
    g = make_guard(phone="13963312222")
    r = client_for(school_admin).get(reverse("guards:unit", args=[school.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert g.name in html and 'id="fig-required"' in html and 'id="add-guard"' in html
    assert "13963312222" not in html


def test_guard_page_masks_and_show_is_audited(client_for, school_admin, county, make_guard):
    g = make_guard(phone="13963313333")
    c = client_for(school_admin)
    html = c.get(reverse("guards:guard", args=[g.pk])).content.decode()
    assert "139****3333" in html and "13963313333" not in html and "hx-post" in html
    r = c.post(reverse("guards:reveal", args=[g.pk, "phone"]))
    assert r.status_code == 200 and "13963313333" in r.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(g.pk)).count() == 1
    # A bureau reads the page masked, with no "show" button, and cannot reveal.
    bureau = client_for(county)
    html = bureau.get(reverse("guards:guard", args=[g.pk])).content.decode()
    assert "139****3333" in html and "hx-post" not in html
    assert bureau.post(reverse("guards:reveal", args=[g.pk, "phone"])).status_code == 403
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(g.pk)).count() == 1


def test_add_form_shows_errors_and_saves_nothing(client_for, school_admin, school):
    c = client_for(school_admin)
    url = reverse("guards:add", args=[school.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"name": "张三", "id_number": "123", "employment": "employed"})
    assert r.status_code == 200 and "18" in r.content.decode()
    assert not Guard.objects.filter(name="张三").exists()
    r = c.post(url, {"name": "张三", "employment": "employed", "full_time": "on"})
    g = Guard.objects.get(name="张三")
    assert r.status_code == 302 and g.full_time


def test_edit_keeps_masked_numbers_when_left_empty(client_for, school_admin, make_guard):
    g = make_guard(phone="13963314444")
    r = client_for(school_admin).post(
        reverse("guards:edit", args=[g.pk]), {"name": "改名", "employment": "employed", "full_time": "on"}
    )
    assert r.status_code == 302
    g.refresh_from_db()
    assert g.name == "改名" and g.phone == "13963314444"


def test_mark_left(client_for, school_admin, make_guard):
    g = make_guard()
    r = client_for(school_admin).post(reverse("guards:leave", args=[g.pk]), {"on": "2026-12-01"})
    assert r.status_code == 302
    g.refresh_from_db()
    assert not g.on_post and str(g.left_on) == "2026-12-01"
    assert client_for(school_admin).post(reverse("guards:return", args=[g.pk])).status_code == 302


def test_board_and_its_export(client_for, county, city, make_guard, school):
    make_guard()
    r = client_for(county).get(reverse("guards:unit", args=[Unit.objects.get(code="demo-c1-k1").pk]))
    html = r.content.decode()
    assert r.status_code == 200 and school.name in html and 'id="short-table"' in html
    r = client_for(city).get(reverse("guards:unit", args=[Unit.objects.get(code="demo-c1").pk]))
    assert r.status_code == 200 and "东港区" in r.content.decode()
    r = client_for(county).get(reverse("guards:export", args=[Unit.objects.get(code="demo-c1-k1").pk]))
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert school.code in values


def test_outsiders_get_404_on_every_page(client_for, outsider, outsider_principal, make_guard, school):
    g = make_guard()
    county = Unit.objects.get(code="demo-c1-k1")
    for who in (outsider, outsider_principal):
        c = client_for(who)
        for url in (
            reverse("guards:unit", args=[school.pk]),
            reverse("guards:unit", args=[county.pk]),
            reverse("guards:add", args=[school.pk]),
            reverse("guards:export", args=[county.pk]),
            reverse("guards:guard", args=[g.pk]),
            reverse("guards:edit", args=[g.pk]),
        ):
            assert c.get(url).status_code == 404, url
        for url in (
            reverse("guards:leave", args=[g.pk]),
            reverse("guards:return", args=[g.pk]),
            reverse("guards:reveal", args=[g.pk, "phone"]),
            reverse("guards:add_company", args=[school.pk]),
            reverse("guards:gates", args=[school.pk]),
        ):
            assert c.post(url, {"name": "x", "gates": "4"}).status_code == 404, url
    g.refresh_from_db()
    assert g.on_post and not SecurityCompany.objects.filter(unit=school).exists()


def test_today_cards_for_school_managers(school_admin, county, guard, make_guard, school):
    from safecampus.core import today

    make_guard(certificate_expires=timezone.localdate() + dt.timedelta(days=10))
    cards = {c["key"]: c for c in today.cards_for(school_admin)}
    assert cards["guards.expiring"]["count"] == 1 and cards["guards.short"]["count"] >= 1
    assert str(school.pk) in cards["guards.short"]["url"]
    for who in (county, guard):
        assert "guards.short" not in {c["key"] for c in today.cards_for(who)}
