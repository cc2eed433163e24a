"""Audience rules resolved at read time: roles, grades, classes, pupils, parents of several
children, parents of children in two schools, a pupil who changed class after publication."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.notices import receipts, services
from safecampus.notices.audience import Audience, addressed, reader_slots
from safecampus.notices.queries import inbox
from safecampus.roster.models import Guardian, SchoolClass, Student


def ids(user: User) -> list[int]:
    return [i.notice.pk for i in inbox(user)]


def test_staff_roles_reach_only_those_roles(make_notice, principal, head_teacher, guard, roster):
    n = make_notice(
        principal,
        kind="notice",
        confirm="confirm",
        audience={"roles": ["head_teacher", "teacher"]},
    )
    assert n.pk in ids(head_teacher)
    assert n.pk not in ids(guard) and n.pk not in ids(principal)
    school = Unit.objects.get(code="demo-c1-k1-s1")
    expected = (
        Membership.objects.filter(unit=school, role__in=["head_teacher", "teacher"], is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
    assert services.recipients(n) == expected > 0


def test_grades_and_classes_narrow_parents(make_notice, parent, pupil):
    level = pupil.school_class.grade.level
    mine = make_notice(audience={"units": ["demo-c1-k1"], "parents": True, "grades": [level]})
    other = make_notice(audience={"units": ["demo-c1-k1"], "parents": True, "grades": [level + 1]})
    by_class = make_notice(
        audience={"units": ["demo-c1-k1-s1"], "parents": True, "classes": [pupil.school_class_id]}
    )
    assert set(ids(parent)) >= {mine.pk, by_class.pk} and other.pk not in ids(parent)
    guardians = Guardian.objects.filter(student__school_class=pupil.school_class).count()
    assert services.recipients(by_class) == guardians


def test_pupils_are_addressed_themselves(make_notice, pupil, parent):
    n = make_notice(
        kind="warning", confirm="confirm", audience={"units": ["demo-c1-k1-s1"], "students": True}
    )
    assert n.pk in ids(pupil.user) and n.pk not in ids(parent)


def _second_child(parent: User, school_code: str) -> Student:
    child = Student.objects.filter(unit__code=school_code, school_class__isnull=False).order_by("pk").first()
    Guardian.objects.create(student=child, parent=parent, relation="母亲")
    Membership.objects.get_or_create(user=parent, unit=child.unit, role=Role.PARENT)
    return child


def test_a_parent_of_several_children_answers_per_child(make_notice, parent, pupil):
    sibling = Student.objects.filter(unit=pupil.unit, school_class__isnull=False).exclude(pk=pupil.pk).last()
    Guardian.objects.create(student=sibling, parent=parent, relation="父亲")
    n = make_notice()
    (item,) = [i for i in inbox(parent) if i.notice.pk == n.pk]
    assert {s.child_id for s in item.child_slots} == {pupil.pk, sibling.pk}
    before = services.recipients(n)
    _rows, fresh = receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    assert fresh == 1
    (item,) = [i for i in inbox(parent) if i.notice.pk == n.pk]
    assert [s.child_id for s in item.to_confirm] == [sibling.pk]
    assert services.recipients(n) == before


def test_a_parent_of_children_in_two_schools(make_notice, parent, pupil):
    junior = _second_child(parent, "demo-c1-k1-s2")
    everyone = make_notice(audience={"units": ["demo-c1-k1"], "parents": True})
    primary = make_notice()  # primary schools only
    items = {i.notice.pk: i for i in inbox(parent)}
    assert {s.child_id for s in items[everyone.pk].child_slots} == {pupil.pk, junior.pk}
    assert {s.child_id for s in items[primary.pk].child_slots} == {pupil.pk}
    # Without the parent role at the second school, that child is not addressed through it.
    Membership.objects.filter(user=parent, unit=junior.unit).update(is_active=False)
    items = {i.notice.pk: i for i in inbox(parent)}
    assert {s.child_id for s in items[everyone.pk].child_slots} == {pupil.pk}


def test_a_pupil_who_changed_class_after_publication(make_notice, parent, pupil):
    klass = pupil.school_class
    other = SchoolClass.objects.filter(grade=klass.grade).exclude(pk=klass.pk).first()
    n = make_notice(audience={"units": ["demo-c1-k1-s1"], "parents": True, "classes": [klass.pk]})
    newcomer = Student.objects.filter(school_class=other).first()
    newcomer_parent = Guardian.objects.filter(student=newcomer).first().parent
    before = services.recipients(n)
    assert n.pk in ids(parent) and n.pk not in ids(newcomer_parent)
    Student.objects.filter(pk=pupil.pk).update(school_class=other)
    Student.objects.filter(pk=newcomer.pk).update(school_class=klass)
    assert n.pk not in ids(parent)  # addressed by the class they are in now
    assert n.pk in ids(newcomer_parent)
    assert services.recipients(n) == before
    # A receipt given before the move stays with its giver.
    Student.objects.filter(pk=pupil.pk).update(school_class=klass)
    receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    Student.objects.filter(pk=pupil.pk).update(school_class=other)
    assert n.pk in ids(parent)


def test_reader_slots_match_the_sql_count(make_notice, parent, pupil, roster):
    """Every addressed slot found one reader at a time equals the subtree's count."""
    n = make_notice(audience={"units": ["demo-c1-k1"], "parents": True})
    aud = Audience.of(n.audience)
    parents = User.objects.filter(guardianships__student__unit__path__startswith=n.unit.path).distinct()
    assert sum(len(addressed(aud, reader_slots(p))) for p in parents) == services.recipients(n)


def test_outside_the_subtree_is_refused(county, letter_data):
    with pytest.raises(PermissionDenied):
        services.create_notice(county, letter_data(audience={"units": ["demo-c1-k2"], "parents": True}))
    klass = SchoolClass.objects.filter(unit__code="demo-c1-k2-s1").first()
    if klass is not None:
        with pytest.raises(PermissionDenied):
            services.create_notice(
                county,
                letter_data(audience={"units": ["demo-c1-k1"], "parents": True, "classes": [klass.pk]}),
            )


@pytest.mark.parametrize(
    "audience",
    [
        {},
        {"units": ["demo-c1-k1"]},
        {"parents": False, "students": False, "roles": []},
        {"roles": ["parent"]},
        {"roles": ["no-such-role"]},
        {"units": ["no-such-unit"], "parents": True},
        {"grades": [3]},
        {"parents": "yes"},
        {"parents": True, "grades": ["three"]},
        {"parents": True, "colour": "red"},
        "everyone",
    ],
)
def test_bad_audiences_are_refused(county, letter_data, audience):
    with pytest.raises(Invalid):
        services.create_notice(county, letter_data(audience=audience))
