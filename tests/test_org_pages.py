"""Unit edit and move pages through the browser (issue 14 §1: they answered 500 for every editor)."""

from __future__ import annotations

from safecampus.core.models import AuditEvent, Unit


def test_county_officer_edits_a_school_through_the_page(client_for, county, outsider, school):
    url = f"/org/units/{school.pk}/edit/"
    page = client_for(county).get(url)
    assert page.status_code == 200
    assert school.name in page.content.decode() and school.code in page.content.decode()
    data = {"name": "东港区实验小学（本部）", "school_type": school.school_type, "address": "学府路1号"}
    data |= {"contact_name": "王老师", "contact_phone": "0633-1234567"}
    assert client_for(outsider).post(url, data).status_code == 404
    assert Unit.objects.get(pk=school.pk).address != "学府路1号"
    answer = client_for(county).post(url, data)
    assert answer.status_code == 302 and answer["Location"] == f"/org/units/{school.pk}/"
    saved = Unit.objects.get(pk=school.pk)
    assert (saved.name, saved.address, saved.contact_phone) == (data["name"], "学府路1号", "0633-1234567")
    assert AuditEvent.objects.filter(verb="unit.renamed", target_id=str(school.pk), actor=county).exists()


def test_edit_page_shows_errors_without_saving(client_for, county, school):
    url = f"/org/units/{school.pk}/edit/"
    answer = client_for(county).post(url, {"name": "", "contact_phone": "not a phone"})
    assert answer.status_code == 200
    assert Unit.objects.get(pk=school.pk).name == school.name


def test_principal_edits_own_school_contact_only(client_for, principal, school):
    url = f"/org/units/{school.pk}/edit/"
    assert client_for(principal).get(url).status_code == 200
    data = {"name": "改名小学", "address": "学府路2号", "contact_name": "", "contact_phone": ""}
    assert client_for(principal).post(url, data).status_code == 302
    saved = Unit.objects.get(pk=school.pk)
    assert (saved.name, saved.address) == (school.name, "学府路2号")


def test_county_officer_move_page(client_for, county, city, outsider):
    s3 = Unit.objects.get(code="demo-c1-k1-s3")
    url = f"/org/units/{s3.pk}/move/"
    page = client_for(county).get(url)
    assert page.status_code == 200 and "demo-c1-k1" in page.content.decode()
    assert client_for(outsider).get(url).status_code == 404
    # The sibling county is outside the county officer's area: a form error, nothing moves.
    refused = client_for(county).post(url, {"parent": "demo-c1-k2"})
    assert refused.status_code == 200
    assert Unit.objects.get(pk=s3.pk).path == s3.path
    # The city officer may move it there.
    moved = client_for(city).post(url, {"parent": "demo-c1-k2"})
    assert moved.status_code == 302
    k2 = Unit.objects.get(code="demo-c1-k2")
    assert Unit.objects.get(pk=s3.pk).get_parent() == k2
    assert AuditEvent.objects.filter(verb="unit.moved", target_id=str(s3.pk), actor=city).exists()
