"""A failed check raises exactly one hazard, linked both ways; a replay raises none; a photo
that is not an image is refused and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent
from safecampus.fire import checks, services
from safecampus.fire.models import CheckPhoto, DeviceCheck, FireDelta, PhotoUpload
from safecampus.hazards.models import Hazard, HazardPhoto

from .conftest import cid, jpeg

pytestmark = pytest.mark.django_db


def test_failed_check_raises_one_hazard_and_replay_none(make_device, guard, school):
    device = make_device(building="综合楼", floor="2F", location="东港区样本配电室门口")
    key = cid()
    before = Hazard.objects.count()
    data = {"client_id": key, "result": "fail", "note": "压力表指针位于红区"}
    check, created = checks.record_check(device, actor=guard, data=data, photos=[jpeg()])
    assert created and check.hazard_id
    assert Hazard.objects.count() == before + 1
    hazard = check.hazard
    assert (hazard.source, hazard.category, hazard.unit_id) == ("daily_inspection", "fire", school.pk)
    assert hazard.location == "综合楼 2F 东港区样本配电室门口"
    assert device.code in hazard.description and "压力表" in hazard.description
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    assert CheckPhoto.objects.filter(device_check=check).count() == 1
    assert list(hazard.fire_checks.all()) == [check]  # linked both ways
    again, created = checks.record_check(device, actor=guard, data=data, photos=[jpeg()])
    assert not created and again.pk == check.pk
    assert Hazard.objects.count() == before + 1
    assert DeviceCheck.objects.filter(device=device).count() == 1
    device.refresh_from_db()
    assert device.failed


def test_pass_raises_nothing(make_device, guard):
    device = make_device()
    before = Hazard.objects.count()
    check, created = checks.record_check(device, actor=guard, data={"client_id": cid(), "result": "pass"})
    assert created and check.hazard_id is None and Hazard.objects.count() == before
    assert AuditEvent.objects.filter(verb="fire.checked", target_id=str(device.pk)).exists()


def test_not_an_image_is_refused_and_nothing_written(make_device, guard):
    device = make_device()
    counts = (
        DeviceCheck.objects.count(),
        Hazard.objects.count(),
        CheckPhoto.objects.count(),
        FireDelta.objects.count(),
        AuditEvent.objects.count(),
    )
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(Invalid) as err:
        checks.record_check(
            device, actor=guard, data={"client_id": cid(), "result": "fail", "note": "坏了"}, photos=[fake]
        )
    assert err.value.field == "photos"
    assert counts == (
        DeviceCheck.objects.count(),
        Hazard.objects.count(),
        CheckPhoto.objects.count(),
        FireDelta.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(Invalid):
        checks.upload_photo(guard, fake)
    assert not PhotoUpload.objects.exists()


def test_bad_input(make_device, guard):
    device = make_device()
    for data, field in (
        ({"result": "pass"}, "client_id"),
        ({"client_id": "not-a-uuid", "result": "pass"}, "client_id"),
        ({"client_id": cid(), "result": "maybe"}, "result"),
        ({"client_id": cid(), "result": "fail"}, "note"),  # say what is wrong
        ({"client_id": cid(), "result": "pass", "photo_ids": [999999]}, "photos"),
    ):
        with pytest.raises(Invalid) as err:
            checks.record_check(device, actor=guard, data=data)
        assert err.value.field == field
    assert not DeviceCheck.objects.filter(device=device).exists()


def test_client_id_of_another_device(make_device, guard):
    a, b = make_device(), make_device()
    key = cid()
    checks.record_check(a, actor=guard, data={"client_id": key, "result": "pass"})
    with pytest.raises(Invalid):
        checks.record_check(b, actor=guard, data={"client_id": key, "result": "pass"})


def test_permissions(make_device, guard, outsider_principal, county, safety):
    device = make_device()
    with pytest.raises(PermissionDenied):
        checks.record_check(device, actor=outsider_principal, data={"client_id": cid(), "result": "pass"})
    with pytest.raises(PermissionDenied):  # guards check, they do not keep the register
        services.add_device(
            device.unit,
            actor=guard,
            data={"code": "X-1", "type": "hydrant", "building": "A", "location": "B"},
        )
    with pytest.raises(PermissionDenied):
        services.retire_device(device, actor=guard)
    services.retire_device(device, actor=safety, reason="报废")
    with pytest.raises(Conflict):
        services.retire_device(device, actor=safety)
    with pytest.raises(Conflict):
        checks.record_check(device, actor=guard, data={"client_id": cid(), "result": "pass"})


def test_uploaded_photos_join_the_check(make_device, guard):
    device = make_device()
    kept = checks.upload_photo(guard, jpeg("blue"))
    check, _ = checks.record_check(
        device,
        actor=guard,
        data={"client_id": cid(), "result": "fail", "note": "指示灯不亮", "photo_ids": [kept.pk]},
    )
    assert not PhotoUpload.objects.filter(pk=kept.pk).exists()
    assert check.photos.count() == 1 and check.hazard.photos.count() == 1


def test_device_validation(safety, school, make_device):
    make_device(code="MHQ-001")
    with pytest.raises(Invalid) as err:
        services.add_device(
            school,
            actor=safety,
            data={
                "code": "mhq-001",
                "type": "nope",
                "building": "",
                "location": "x",
                "production_date": "2999-01-01",
            },
        )
    assert set(err.value.errors) == {"code", "type", "building", "production_date"}
    with pytest.raises(Invalid) as err:
        services.add_device(
            school, actor=safety, data={"code": "a b", "type": "hydrant", "building": "A", "location": "B"}
        )
    assert err.value.field == "code"
