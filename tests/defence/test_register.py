"""The register through its services: facts derived from it (and following every change),
failed tests and missing items becoming hazards, bad input refused with nothing changed."""

from __future__ import annotations

import pytest

from safecampus.core.audit import AuditEvent
from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.defence import board, closed, facts, services, shortfall, testing
from safecampus.defence.models import Equipment, EquipmentTest, Shortfall, Three100Fact
from safecampus.hazards.models import Hazard

from .conftest import cid, jpeg

pytestmark = pytest.mark.django_db


def fact(school) -> Three100Fact:
    return Three100Fact.objects.get(unit=school)


def full_register(make_item, school, safety, *, cameras: int = 4) -> dict:
    gate = make_item(kind="gate_barrier", quantity=1, location="校门口")
    alarm = make_item(kind="one_click_alarm", quantity=1, location="门卫室", police_linked=True)
    cams = make_item(kind="cctv", quantity=cameras, location="校门口", police_linked=True)
    closed.confirm(school, actor=safety, confirmed=True, evidence=jpeg())
    return {"gate": gate, "alarm": alarm, "cams": cams}


def test_indicators_follow_the_register(make_item, school, safety, staffed):
    items = full_register(make_item, school, safety)
    f = fact(school)
    assert (f.closed_management, f.alarm_networked, f.video_networked) == (True, True, True)
    assert not f.guards_staffed and not f.all_three
    staffed.add(school.pk)
    facts.staffing_changed(school=school)
    assert fact(school).all_three
    # A camera not networked: video (and all three) fall.
    extra = make_item(kind="cctv", quantity=1, location="操场", police_linked=False)
    assert not fact(school).video_networked and not fact(school).all_three
    services.edit_equipment(extra, actor=safety, data={"police_linked": True})
    assert fact(school).video_networked
    # The alarm fails its test: not networked until a test passes.
    testing.record_test(
        items["alarm"], actor=safety, data={"client_id": cid(), "result": "fail", "note": "无信号"}
    )
    assert not fact(school).alarm_networked
    testing.record_test(items["alarm"], actor=safety, data={"client_id": cid(), "result": "pass"})
    assert fact(school).alarm_networked
    # The gate barrier retired: closed management no longer counts.
    services.retire_equipment(items["gate"], actor=safety)
    assert not fact(school).closed_management
    assert board.row(school).as_dict() == board.recount(school)


def test_too_few_cameras_and_closed_without_evidence(make_item, school, safety, staffed):
    make_item(kind="gate_barrier", quantity=1)
    make_item(kind="cctv", quantity=3, police_linked=True)
    assert not fact(school).video_networked
    with pytest.raises(Invalid) as err:
        closed.confirm(school, actor=safety, confirmed=True)
    assert err.value.field == "evidence"
    assert closed.of(school) is None and not fact(school).closed_management


def test_failed_test_becomes_one_hazard(make_item, safety, school):
    alarm = make_item(kind="one_click_alarm", quantity=1, location="东港区门卫室", police_linked=True)
    data = {"client_id": cid(), "result": "fail", "note": "报警主机无响应"}
    test, created = testing.record_test(alarm, actor=safety, data=data, photo=jpeg())
    assert created and test.hazard is not None
    hazard = test.hazard
    assert hazard.category == "security" and hazard.unit_id == school.pk and hazard.photos.count() == 1
    again, created = testing.record_test(alarm, actor=safety, data=data)
    assert not created and again.pk == test.pk
    assert Hazard.objects.filter(pk=hazard.pk).count() == 1 and EquipmentTest.objects.count() == 1
    alarm.refresh_from_db()
    assert alarm.last_result == "fail"
    assert AuditEvent.objects.filter(verb="defence.tested").count() == 1


def test_missing_items_become_hazards_once(make_item, safety, school):
    make_item(kind="steel_fork", quantity=1)
    before = Hazard.objects.count()
    made = shortfall.report_missing(school, actor=safety)
    kinds = {s.kind for s in made}
    assert "steel_fork" in kinds and "one_click_alarm" in kinds and "cctv" in kinds
    assert Hazard.objects.count() == before + len(made)
    assert all(s.hazard.category == "security" for s in made)
    # A second run raises nothing while those hazards are open.
    assert shortfall.report_missing(school, actor=safety) == []
    assert Shortfall.objects.count() == len(made)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "tank", "quantity": 1, "location": "x"}, "kind"),
        ({"kind": "cctv", "quantity": 0, "location": "x"}, "quantity"),
        ({"kind": "cctv", "quantity": "many", "location": "x"}, "quantity"),
        ({"kind": "cctv", "quantity": 1, "location": ""}, "location"),
        ({"kind": "cctv", "quantity": 1, "location": "a\x00b"}, "location"),
    ],
)
def test_bad_input_changes_nothing(safety, school, data, field):
    with pytest.raises(InvalidFields) as err:
        services.add_equipment(school, actor=safety, data=data)
    assert field in err.value.errors
    assert not Equipment.objects.exists() and not Three100Fact.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="defence.").exists()


def test_bad_test_changes_nothing(make_item, safety):
    item = make_item(kind="cctv", quantity=4, police_linked=True)
    for data, field in [
        ({"client_id": cid(), "result": "maybe"}, "result"),
        ({"client_id": cid(), "result": "fail"}, "note"),
        ({"result": "pass"}, "client_id"),
    ]:
        with pytest.raises(Invalid) as err:
            testing.record_test(item, actor=safety, data=data)
        assert err.value.field == field
    with pytest.raises(Invalid) as err:
        testing.record_test(item, actor=safety, data={"client_id": cid(), "result": "pass"}, photo=io_text())
    assert err.value.field == "photo"
    assert not EquipmentTest.objects.exists() and not Hazard.objects.filter(category="security").exists()


def io_text():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")


def test_retired_item_is_not_changed(make_item, safety):
    item = make_item()
    services.retire_equipment(item, actor=safety)
    with pytest.raises(Conflict):
        services.edit_equipment(item, actor=safety, data={"quantity": 3})
    with pytest.raises(Conflict):
        testing.record_test(item, actor=safety, data={"client_id": cid(), "result": "pass"})


def test_outsiders_may_not_write(make_item, outsider_principal, school, county):
    from django.core.exceptions import PermissionDenied

    item = make_item()
    for actor in (outsider_principal, county):
        with pytest.raises(PermissionDenied):
            services.add_equipment(school, actor=actor, data={"kind": "cctv", "quantity": 1, "location": "x"})
        with pytest.raises(PermissionDenied):
            testing.record_test(item, actor=actor, data={"client_id": cid(), "result": "pass"})
        with pytest.raises(PermissionDenied):
            closed.confirm(school, actor=actor, confirmed=True, evidence=jpeg())
