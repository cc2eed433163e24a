"""Org tree management: permission matrix per role, subtree limits, moves and deactivation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent, Unit
from safecampus.core.services import create_unit, move_unit, set_unit_active, update_unit

# username → may create a school under demo-c1-k1
CREATE_UNDER_COUNTY = {
    "demo_province": True,
    "demo_city": True,
    "demo_county": True,
    "demo_county2": False,  # sibling county
    "demo_principal": False,
    "demo_schooladmin": False,
    "demo_safety": False,
    "demo_teacher": False,
    "demo_guard": False,
    "demo_doctor": False,
    "demo_counsellor": False,
    "demo_principal2": False,
}


@pytest.mark.parametrize(("username", "allowed"), sorted(CREATE_UNDER_COUNTY.items()))
def test_create_unit_matrix(demo, county_unit, username, allowed):
    actor = User.objects.get(username=username)
    code = f"matrix-{username.replace('_', '-')}"
    if allowed:
        unit = create_unit(
            county_unit, actor=actor, code=code, name="矩阵小学", kind="school", school_type="primary"
        )
        assert unit.get_parent() == county_unit
        assert AuditEvent.objects.filter(verb="unit.created", target_id=str(unit.pk), actor=actor).exists()
    else:
        with pytest.raises(PermissionDenied):
            create_unit(
                county_unit, actor=actor, code=code, name="矩阵小学", kind="school", school_type="primary"
            )
        assert not Unit.objects.filter(code=code).exists()


@pytest.mark.parametrize(
    ("username", "fields", "outcome"),
    [
        ("demo_principal", {"address": "东港区学府路2号"}, "ok"),
        ("demo_schooladmin", {"contact_phone": "0633-1234567"}, "ok"),
        ("demo_principal", {"name": "改名小学"}, "invalid"),  # own-unit editors: address/contact only
        ("demo_teacher", {"address": "x"}, "denied"),
        ("demo_county", {"name": "东港区实验小学（本部）"}, "ok"),
        ("demo_county2", {"address": "x"}, "denied"),
        ("demo_principal2", {"address": "x"}, "denied"),
    ],
)
def test_update_school_matrix(demo, school, username, fields, outcome):
    actor = User.objects.get(username=username)
    if outcome == "ok":
        unit = update_unit(school, actor=actor, **fields)
        for k, v in fields.items():
            assert getattr(unit, k) == v
    else:
        before = Unit.objects.get(pk=school.pk).audit_snapshot()
        with pytest.raises(Invalid if outcome == "invalid" else PermissionDenied):
            update_unit(school, actor=actor, **fields)
        assert Unit.objects.get(pk=school.pk).audit_snapshot() == before


def test_bad_input_changes_nothing(county, county_unit):
    n = Unit.objects.count()
    bad = [
        {"code": "", "name": "x", "kind": "school", "school_type": "primary"},
        {"code": "Bad Code", "name": "x", "kind": "school", "school_type": "primary"},
        {"code": "demo-c1-k1-s1", "name": "dup", "kind": "school", "school_type": "primary"},
        {"code": "ok-code-1", "name": "", "kind": "school", "school_type": "primary"},
        {"code": "ok-code-2", "name": "x", "kind": "school", "school_type": ""},
        {"code": "ok-code-3", "name": "x", "kind": "city"},  # a city cannot sit under a county
        {"code": "ok-code-4", "name": "x", "kind": "planet"},
        {"code": "ok-code-5", "name": "x" * 121, "kind": "department"},
        {"code": "ok-code-6", "name": "x", "kind": "department", "contact_phone": "call me"},
    ]
    for fields in bad:
        with pytest.raises(Invalid):
            create_unit(county_unit, actor=county, **fields)
    assert Unit.objects.count() == n


def test_nothing_can_be_added_under_a_school(county, school):
    with pytest.raises(Invalid):
        create_unit(school, actor=county, code="x-dept", name="x", kind="department")


def test_move_within_own_subtree_only(county, city, demo):
    s3 = Unit.objects.get(code="demo-c1-k1-s3")
    k2 = Unit.objects.get(code="demo-c1-k2")
    with pytest.raises(PermissionDenied):
        move_unit(s3, k2, actor=county)  # the county officer has no right over the sibling county
    moved = move_unit(s3, k2, actor=city)
    assert moved.get_parent() == k2
    assert moved.path.startswith(k2.path)
    assert AuditEvent.objects.filter(verb="unit.moved", target_id=str(s3.pk)).exists()
    # After the move, the sibling county sees it and the first county no longer does.
    assert Unit.objects.visible_to(User.objects.get(username="demo_county2")).filter(pk=s3.pk).exists()
    assert not Unit.objects.visible_to(county).filter(pk=s3.pk).exists()


def test_cannot_move_own_root_or_into_own_subtree(county, county_unit, city, demo):
    k2 = Unit.objects.get(code="demo-c1-k2")
    with pytest.raises(PermissionDenied):
        move_unit(county_unit, k2, actor=county)  # own root
    c1 = Unit.objects.get(code="demo-c1")
    with pytest.raises(Invalid):
        move_unit(c1, county_unit, actor=User.objects.get(username="demo_province"))


def test_deactivate_and_reactivate(county, school, outsider, county_unit):
    with pytest.raises(PermissionDenied):
        set_unit_active(school, False, actor=outsider)
    with pytest.raises(PermissionDenied):
        set_unit_active(county_unit, False, actor=county)  # own root
    unit = set_unit_active(school, False, actor=county)
    assert not unit.is_active
    assert AuditEvent.objects.filter(verb="unit.deactivated", target_id=str(school.pk)).exists()
    # Memberships at an inactive unit grant nothing.
    principal = User.objects.get(username="demo_principal")
    assert not Unit.objects.visible_to(principal).exists()
    assert set_unit_active(school, True, actor=county).is_active


def test_deactivate_refused_while_children_active(city, county_unit):
    with pytest.raises(Conflict):
        set_unit_active(county_unit, False, actor=city)


def test_visible_units_per_role(county, outsider, principal, head_teacher, province, demo):
    assert set(Unit.objects.visible_to(county).values_list("code", flat=True)) == {
        "demo-c1-k1",
        "demo-c1-k1-s1",
        "demo-c1-k1-s2",
        "demo-c1-k1-s3",
    }
    assert not Unit.objects.visible_to(outsider).filter(code__startswith="demo-c1-k1").exists()
    assert list(Unit.objects.visible_to(principal).values_list("code", flat=True)) == ["demo-c1-k1-s1"]
    assert list(Unit.objects.visible_to(head_teacher).values_list("code", flat=True)) == ["demo-c1-k1-s1"]
    assert Unit.objects.visible_to(province).count() == Unit.objects.count()


def test_nobody_sees_anything_without_membership(demo):
    nobody = User.objects.create_user("nobody", "x", name="无名")
    assert not Unit.objects.visible_to(nobody).exists()
    assert not AuditEvent.objects.visible_to(nobody).exists()


def test_adding_a_unit_never_renumbers_siblings(county, county_unit):
    """Tenant rows store their unit's path: paths must not shift when a sibling is added."""
    before = dict(Unit.objects.filter(path__startswith=county_unit.path).values_list("code", "path"))
    create_unit(county_unit, actor=county, code="a-first-by-code", name="安全科", kind="department")
    after = dict(Unit.objects.filter(path__startswith=county_unit.path).values_list("code", "path"))
    assert all(after[code] == path for code, path in before.items())


def test_deactivate_through_the_page(client_for, county, outsider):
    s3 = Unit.objects.get(code="demo-c1-k1-s3")
    page = client_for(county).get(f"/org/units/{s3.pk}/").content.decode()
    assert f'action="/org/units/{s3.pk}/active/"' in page and "data-confirm=" in page
    assert client_for(outsider).post(f"/org/units/{s3.pk}/active/", {"active": "0"}).status_code == 404
    assert Unit.objects.get(pk=s3.pk).is_active
    assert client_for(county).post(f"/org/units/{s3.pk}/active/", {"active": "0"}).status_code == 302
    assert not Unit.objects.get(pk=s3.pk).is_active
    assert 'name="active" value="1"' in client_for(county).get(f"/org/units/{s3.pk}/").content.decode()
