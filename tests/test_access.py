"""The one access layer (`core.access`, `core.places`): each model's declared rule, the place
resolver, and that no module reads memberships around it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from safecampus.accounts.models import User
from safecampus.core import access, places
from safecampus.core.models import Membership
from safecampus.core.roles import Perm, Role
from safecampus.hazards.models import Hazard
from safecampus.risks.models import RiskPoint
from safecampus.roster.models import SchoolClass, Student
from safecampus.supervision.models import Letter
from safecampus.training.progress_models import LessonProgress

from .roster.schoolyear_setup import import_rows

SRC = Path(__file__).resolve().parent.parent / "src" / "safecampus"

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils(demo, operator, head_teacher, school) -> list[Student]:
    """Three pupils of a class of demo-c1-k1-s1 headed by demo_teacher, with parents, and a
    second class of the school that demo_teacher does not teach."""
    students = import_rows(school, operator, "三年级", 3)
    klass = students[0].school_class
    klass.head_teacher = head_teacher
    klass.save(update_fields=["head_teacher"])
    import_rows(school, operator, "四年级", 2)
    return students


def _parent(student: Student) -> User:
    return student.guardians.select_related("parent").first().parent


def test_no_module_loops_over_memberships_itself() -> None:
    """Only the access layer reads the raw memberships: every module asks `core.access`."""
    allowed = {SRC / "core" / "scoping.py", SRC / "core" / "access.py"}
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p not in allowed and re.search(r"\bactive_memberships\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_removed_helpers_stay_removed() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    for name in ("hazards_for", "points_for", "classes_visible_to", "head_of"):
        assert not re.search(rf"\bdef {name}\(", text), name
    assert "def visible(user" not in text


def test_every_model_with_a_rule_declares_a_rule() -> None:
    for model in (Hazard, RiskPoint, Letter, Student, LessonProgress):
        assert isinstance(model.access, access.Rule)


def _hazard(unit, by: User) -> Hazard:
    from django.utils import timezone

    now = timezone.now()
    h = Hazard(source="patrol", category="fire", grade="general", location="教学楼", description="灭火器过期",
               reported_by=by, reported_at=now, status_changed_at=now, status="reported")  # fmt: skip
    h.set_unit(unit)
    h.save()
    return h


def test_hazards_county_sees_its_area_outsider_nothing(
    county, outsider, principal, school, sibling_school
) -> None:
    _hazard(school, principal)
    _hazard(sibling_school, principal)
    mine = Hazard.objects.visible_to(county)
    assert mine.exists()
    assert not mine.exclude(unit_path__startswith=county.memberships.first().unit.path).exists()
    assert not Hazard.objects.visible_to(outsider).filter(unit_path__startswith=school.path).exists()
    assert set(Hazard.objects.visible_to(principal).values_list("unit_id", flat=True)) == {school.pk}
    assert set(Hazard.objects.visible_to(outsider).values_list("unit_id", flat=True)) == {sibling_school.pk}


def test_students_and_parents_see_no_hazards(pupils, principal, school) -> None:
    _hazard(school, principal)
    for user in (pupils[0].user, _parent(pupils[0])):
        assert not Hazard.objects.visible_to(user).exists()


def test_bureau_reads_only_reported_risk_points(county, principal, school) -> None:
    school_view = RiskPoint.objects.visible_to(principal).filter(unit=school)
    bureau_view = RiskPoint.objects.visible_to(county).filter(unit=school)
    assert school_view.count() >= bureau_view.count()
    assert not bureau_view.exclude(status="confirmed").exists()


def test_head_teacher_reads_their_class_and_loses_it_with_the_role(pupils, head_teacher) -> None:
    klass = pupils[0].school_class
    pupils = Student.objects.visible_to(head_teacher)
    assert pupils.filter(school_class=klass).exists()
    assert not pupils.exclude(school_class__in=access.teaching().classes(head_teacher)).exists()
    assert SchoolClass.objects.visible_to(head_teacher, Perm.VIEW_TRAINING).filter(pk=klass.pk).exists()
    Membership.objects.filter(user=head_teacher, role=Role.HEAD_TEACHER).update(is_active=False)
    head_teacher = User.objects.get(pk=head_teacher.pk)  # fresh membership cache
    assert not Student.objects.visible_to(head_teacher).filter(school_class=klass).exists()
    assert not SchoolClass.objects.visible_to(head_teacher, Perm.VIEW_TRAINING).filter(pk=klass.pk).exists()


def test_parent_reads_their_children_only(pupils) -> None:
    parent = _parent(pupils[0])
    seen = Student.objects.visible_to(parent)
    assert seen.exists()
    assert not seen.exclude(guardians__parent=parent).exists()


def test_rows_are_not_repeated_by_joins(pupils, head_teacher) -> None:
    qs = Student.objects.visible_to(head_teacher)
    assert qs.count() == len(set(qs.values_list("pk", flat=True)))


def test_place_resolver_answers_404_alike(pupils, county, outsider, head_teacher, school) -> None:
    assert places.place_for(county, school.code).unit == school
    for code in (school.code, "no-such-unit", "bad\x00code", ""):
        with pytest.raises(Http404):
            places.place_for(outsider, code)
    other = SchoolClass.objects.filter(unit=school).exclude(head_teacher=head_teacher).first()
    with pytest.raises(Http404):
        places.place_for(head_teacher, school.code, class_id=other.pk)
    mine = access.teaching().classes(head_teacher).first()
    place = places.place_for(head_teacher, school.code, class_id=mine.pk)
    assert place.school_class == mine and not place.whole_unit


def test_place_from_params_and_defaults(pupils, county, head_teacher) -> None:
    assert places.place_from(county, {}).unit.code == "demo-c1-k1"
    assert places.place_from(head_teacher, {}).school_class is not None
    with pytest.raises(Http404):
        places.place_from(county, {"unit": "demo-c1-k1", "grade": "x"})
    with pytest.raises(PermissionDenied):
        places.default_place(_parent(pupils[0]), Perm.VIEW_HAZARDS)


def test_scope_paths_and_helpers(county, operator, principal, school) -> None:
    assert access.scope_paths(operator, Perm.VIEW_HAZARDS) == [""]
    assert access.scope_paths(county, Perm.VIEW_HAZARDS) == ["".join(county.memberships.first().unit.path)]
    assert access.scope_paths(county, role=Role.PARENT) == []
    assert access.holds_at(principal, Perm.MANAGE_USERS, school, here=True)
    assert not access.holds_at(county, Perm.VIEW_HAZARDS, school, here=True)
    assert access.holds_at(county, Perm.VIEW_HAZARDS, school)
    assert access.home_unit(principal, Perm.VIEW_HAZARDS) == school
