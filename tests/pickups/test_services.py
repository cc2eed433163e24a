"""Pickup rules through the services: guardians allowed by default, an expired delegate and an
unknown person refused (recorded, parents told), a parent manages only their own child, bad
input changes nothing, phones masked, the policy's classes that record every pickup."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecampus.core.audit import AuditEvent
from safecampus.core.errors import Invalid
from safecampus.inbox.models import Notification
from safecampus.pickups import queries, services
from safecampus.pickups.models import Pickup, PickupPerson, Refusal

from .conftest import cid

pytestmark = pytest.mark.django_db


def test_guardian_allowed_by_default(pupil, guardian, guard):
    people = queries.authorised(pupil, timezone.localdate())
    assert f"g{guardian.pk}" in [a.ref for a in people]
    pickup, created = services.verify(
        pupil, actor=guard, data={"person_id": f"g{guardian.pk}", "client_id": cid()}
    )
    assert created and pickup.allowed and pickup.refusal == ""
    assert AuditEvent.objects.filter(verb="pickups.allowed", target_id=str(pickup.pk)).exists()


def test_expired_delegate_refused_and_parents_told(pupil, parent, expired, guard):
    before = Notification.objects.filter(user=parent).count()
    pickup, _ = services.verify(pupil, actor=guard, data={"person_id": f"p{expired.pk}"})
    assert not pickup.allowed and pickup.refusal == Refusal.EXPIRED
    assert Pickup.objects.filter(pk=pickup.pk, allowed=False).exists()
    assert Notification.objects.filter(user=parent).count() == before + 1


def test_unknown_person_refused_and_parent_notified(pupil, parent, guard):
    pickup, _ = services.verify(pupil, actor=guard, data={"name": "陌生人"})
    assert not pickup.allowed and pickup.refusal == Refusal.UNKNOWN
    note = Notification.objects.filter(user=parent, kind="pickups.refused").latest("id")
    assert "陌生人" in note.title
    assert AuditEvent.objects.filter(verb="pickups.refused", target_id=str(pickup.pk)).exists()


def test_valid_delegate_allowed_and_revoked_refused(pupil, parent, grandma, head_teacher):
    ok, _ = services.verify(pupil, actor=head_teacher, data={"person_id": grandma.pk})
    assert ok.allowed
    services.revoke_person(grandma, actor=parent)
    no, _ = services.verify(pupil, actor=head_teacher, data={"person_id": f"p{grandma.pk}"})
    assert not no.allowed and no.refusal == Refusal.REVOKED


def test_retry_with_client_id_records_once(pupil, guardian, guard):
    key = cid()
    a, first = services.verify(pupil, actor=guard, data={"person_id": f"g{guardian.pk}", "client_id": key})
    b, again = services.verify(pupil, actor=guard, data={"person_id": f"g{guardian.pk}", "client_id": key})
    assert first and not again and a.pk == b.pk


def test_parent_manages_only_own_child(parent, other_pupil, grandma, guard):
    with pytest.raises(PermissionDenied):
        services.add_person(
            other_pupil, actor=parent, data={"name": "x", "relation": "y", "valid_until": "2099-01-01"}
        )
    with pytest.raises(PermissionDenied):
        services.add_person(grandma.student, actor=guard, data={"name": "x", "relation": "y"})
    with pytest.raises(PermissionDenied):
        services.verify(grandma.student, actor=parent, data={"person_id": grandma.pk})


def test_bad_input_changes_nothing(pupil, parent):
    n = PickupPerson.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(Invalid) as err:
        services.add_person(
            pupil,
            actor=parent,
            data={"name": "", "relation": "", "phone": "123", "valid_until": "2001-01-01"},
        )
    assert set(err.value.errors) >= {"name", "relation", "phone", "valid_until"}
    with pytest.raises(Invalid):
        services.add_person(
            pupil, actor=parent, data={"name": "a", "relation": "b", "valid_until": "not-a-date"}
        )
    assert PickupPerson.objects.count() == n and AuditEvent.objects.count() == events


def test_phone_encrypted_and_masked(grandma):
    row = PickupPerson.objects.get(pk=grandma.pk)
    assert "13912345678" not in row.phone_enc
    assert row.phone == "13912345678" and row.phone_masked == "139****5678"


def test_policy_lower_primary_records_every_pickup(pupil):
    assert pupil.school_class.grade.level == 3
    assert services.must_record(pupil) == (
        pupil.unit.school_type in ("primary", "nine_year", "twelve_year", "special")
    )
