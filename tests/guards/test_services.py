"""The register's services: add, edit, leave; bad input refused with translated errors and nothing
changed; masking and the audited unmask; the staffing_changed signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from safecampus.core.errors import Conflict, InvalidFields
from safecampus.core.models import AuditEvent
from safecampus.guards import privacy, services
from safecampus.guards.models import Guard, GuardStatus
from safecampus.guards.signals import staffing_changed

pytestmark = pytest.mark.django_db


def test_add_keeps_personal_data_encrypted_and_masked(make_guard):
    g = make_guard(phone="13963317777")
    raw = Guard.objects.filter(pk=g.pk).values("id_number_enc", "phone_enc").get()
    assert "13963317777" not in raw["phone_enc"] and g.id_number[:6] not in raw["id_number_enc"]
    assert g.phone_masked == "139****7777"
    assert "*" in g.id_number_masked and g.id_number_masked != g.id_number
    assert AuditEvent.objects.filter(verb="guards.added", target_id=str(g.pk)).exists()
    snap = AuditEvent.objects.get(verb="guards.added", target_id=str(g.pk)).after
    assert "13963317777" not in str(snap) and g.id_number not in str(snap)


def test_bad_input_is_refused_in_chinese_and_changes_nothing(school, school_admin):
    before = Guard.objects.count()
    with translation.override("zh-hans"), pytest.raises(InvalidFields) as exc:
        services.add_guard(
            school,
            actor=school_admin,
            data={
                "name": "",
                "id_number": "123",
                "phone": "12",
                "employment": "contracted",
                "certificate_no": "X1",
            },
        )
    errors = exc.value.errors
    assert set(errors) >= {"name", "id_number", "phone", "company", "certificate_expires"}
    assert "身份证" in errors["id_number"] or "证" in errors["id_number"]
    assert Guard.objects.count() == before


def test_bad_edit_changes_nothing(make_guard, school_admin):
    g = make_guard()
    with pytest.raises(InvalidFields):
        services.edit_guard(
            g, actor=school_admin, data={"name": "新名字", "certificate_expires": "2026-13-40"}
        )
    g.refresh_from_db()
    assert g.name.startswith("东港区保安")


def test_only_managers_write(make_guard, guard, county):
    g = make_guard()
    for who in (guard, county):
        with pytest.raises(PermissionDenied):
            services.edit_guard(g, actor=who, data={"name": "x"})


def test_leave_and_return_follow_the_table(make_guard, school_admin):
    g = make_guard()
    services.move_guard(g, "leave", actor=school_admin)
    g.refresh_from_db()
    assert g.status == GuardStatus.LEFT and g.left_on == timezone.localdate()
    with pytest.raises(Conflict):
        services.move_guard(g, "leave", actor=school_admin)
    services.move_guard(g, "return", actor=school_admin)
    g.refresh_from_db()
    assert g.status == GuardStatus.ON_POST and g.left_on is None


def test_unmask_is_audited_and_only_for_school_managers(make_guard, school_admin, county, guard):
    g = make_guard(phone="13963318888")
    assert privacy.reveal("phone", g, actor=school_admin) == "13963318888"
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(g.pk)).count() == 1
    for who in (county, guard):  # bureaus see counts, not the guards' personal data
        with pytest.raises(PermissionDenied):
            privacy.reveal("phone", g, actor=who)
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(g.pk)).count() == 1


def test_staffing_changed_is_sent_once_per_school_on_commit(
    school, school_admin, make_guard, django_capture_on_commit_callbacks
):
    got = []

    def receiver(sender, school, **kw):
        got.append(school.code)

    staffing_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            g = make_guard()
            services.edit_guard(g, actor=school_admin, data={"certificate_expires": dt.date(2030, 1, 1)})
        assert got == [school.code]
        got.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.move_guard(g, "leave", actor=school_admin)
        assert got == [school.code]
    finally:
        staffing_changed.disconnect(receiver)
