"""Transfers between schools: the whole move on accept, the permission matrix of every transition,
cross-county decisions by the common bureau."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent, Membership
from safecampus.roster import transfers
from safecampus.roster.enrollment import change_student_status
from safecampus.roster.models import Enrollment, Guardian, SchoolClass, Student, TransferRequest

from .schoolyear_setup import import_rows


@pytest.fixture
def student(school, county) -> Student:
    return import_rows(school, county, "三年级", 2)[0]


@pytest.fixture
def target(receiving) -> SchoolClass:
    return SchoolClass.objects.get(unit=receiving)


def _request(student, to, actor, **kw) -> TransferRequest:
    return transfers.request_transfer(student, to, actor=actor, reason="随父母工作调动", **kw)


def test_accept_moves_the_student_with_account_history_and_parents(
    school, receiving, target, student, school_admin, county, receiving_principal
):
    user_id, username = student.user_id, student.user.username
    parent = Guardian.objects.get(student=student).parent
    tr = _request(student, receiving, school_admin)
    assert (tr.status, tr.unit_id, tr.requested_by_school_id, tr.from_class_id) == (
        "requested",
        school.pk,
        school.pk,
        student.school_class_id,
    )
    transfers.accept_transfer(tr, actor=county, target_class=target, note="同意")
    student.refresh_from_db()
    assert (student.unit_id, student.unit_path, student.school_class_id) == (
        receiving.pk,
        receiving.path,
        target.pk,
    )
    assert (student.status, student.user_id, student.user.username) == ("enrolled", user_id, username)
    for user, role in ((student.user, "student"), (parent, "parent")):
        assert set(
            Membership.objects.filter(user=user, role=role, is_active=True).values_list("unit_id", flat=True)
        ) == {receiving.pk}
        assert Membership.objects.filter(user=user, role=role, unit=school, is_active=False).exists()
    old, new = Enrollment.objects.filter(student=student).order_by("id")
    assert (old.unit_id, old.end_reason, old.to_date is not None) == (school.pk, "transferred_out", True)
    assert (new.unit_id, new.reason, new.to_date, new.school_class_id) == (
        receiving.pk,
        "transferred_in",
        None,
        target.pk,
    )
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"roster.transfer_requested", "roster.transfer_accepted", "roster.student_transferred"} <= verbs
    # The sending school no longer sees the student but keeps its history; the receiving school sees them.
    assert not Student.objects.visible_to(school_admin).filter(pk=student.pk).exists()
    assert Enrollment.objects.visible_to(school_admin).filter(pk=old.pk).exists()
    assert Student.objects.visible_to(receiving_principal).filter(pk=student.pk).exists()
    with pytest.raises(Conflict, match="already accepted"):
        transfers.accept_transfer(tr, actor=county, target_class=target)


def test_decision_matrix(
    school,
    receiving,
    target,
    student,
    school_admin,
    principal,
    receiving_principal,
    county,
    outsider,
    outsider_principal,
    head_teacher,
    city,
    province,
):
    tr = _request(student, receiving, school_admin)
    # Nobody at either school, nor the sibling county, decides: the sending school cannot accept its own
    # request.
    for user in (school_admin, principal, receiving_principal, outsider, outsider_principal, head_teacher):
        for decide in (transfers.accept_transfer, transfers.reject_transfer):
            with pytest.raises(PermissionDenied):
                decide(tr, actor=user)
        assert not transfers.may(user, "accept", tr)
    # Only the school that asked may cancel.
    for user in (receiving_principal, county, outsider_principal):
        with pytest.raises(PermissionDenied):
            transfers.cancel_transfer(tr, actor=user)
    assert TransferRequest.objects.get(pk=tr.pk).status == "requested"
    # The county, and bureaus above it, decide.
    assert all(transfers.may(u, "accept", tr) for u in (county, city, province))
    transfers.reject_transfer(tr, actor=city, note="材料不全")
    assert TransferRequest.objects.get(pk=tr.pk).status == "rejected"
    with pytest.raises(Conflict):
        transfers.cancel_transfer(tr, actor=school_admin)
    tr2 = _request(student, receiving, principal)  # a new request after a rejection
    transfers.cancel_transfer(tr2, actor=school_admin)
    assert TransferRequest.objects.get(pk=tr2.pk).status == "cancelled"
    assert AuditEvent.objects.filter(verb="roster.transfer_rejected", target_id=str(tr.pk)).count() == 1


def test_who_may_request(
    school, receiving, student, county, outsider, outsider_principal, head_teacher, city
):
    for user in (
        county,
        outsider,
        outsider_principal,
        head_teacher,
        city,
    ):  # bureaus do not ask, outsiders cannot
        with pytest.raises(PermissionDenied):
            _request(student, receiving, user)
    assert not TransferRequest.objects.exists()


def test_receiving_school_requests_by_name_and_number_and_chooses_the_class(
    school, receiving, target, student, receiving_principal, school_admin, outsider_principal, county
):
    ask = dict(from_school=school, to_school=receiving, name=student.name, reason="")
    with pytest.raises(Invalid):
        transfers.request_transfer_for(actor=receiving_principal, number="G000", **ask)
    with pytest.raises(PermissionDenied):  # refused before anything is looked up
        transfers.request_transfer_for(actor=outsider_principal, number=student.student_no, **ask)
    tr = transfers.request_transfer_for(actor=receiving_principal, number=student.id_card, **ask)
    assert tr.requested_by_school_id == receiving.pk and tr.student_id == student.pk
    with pytest.raises(PermissionDenied):
        transfers.choose_target_class(tr, target, actor=school_admin)
    with pytest.raises(PermissionDenied):
        transfers.cancel_transfer(tr, actor=school_admin)  # asked by the receiving school
    transfers.choose_target_class(tr, target, actor=receiving_principal)
    with pytest.raises(Invalid):  # a class of the sending school is not a target
        transfers.choose_target_class(tr, student.school_class, actor=receiving_principal)
    with pytest.raises(Conflict):
        _request(student, receiving, school_admin)  # one open request per student
    transfers.accept_transfer(tr, actor=county)
    assert Student.objects.get(pk=student.pk).school_class_id == target.pk


def test_accept_needs_a_class_and_an_enrolled_student(
    school, receiving, target, student, school_admin, county
):
    tr = _request(student, receiving, school_admin)
    with pytest.raises(Invalid):
        transfers.accept_transfer(tr, actor=county)
    change_student_status(student, "suspend", actor=county)
    with pytest.raises(Conflict):
        transfers.accept_transfer(tr, actor=county, target_class=target)
    assert TransferRequest.objects.get(pk=tr.pk).status == "requested"
    with pytest.raises(Invalid):
        _request(Student.objects.exclude(pk=student.pk).get(unit=school), school, school_admin)  # same school


def test_cross_county_transfer_is_decided_by_the_common_bureau(
    school, sibling_school, student, school_admin, county, outsider, city, operator
):
    import_rows(sibling_school, operator, "三年级", 1)
    klass = SchoolClass.objects.get(unit=sibling_school)
    tr = _request(student, sibling_school, school_admin)
    assert transfers.common_bureau(school, sibling_school).code == "demo-c1"
    for county_officer in (county, outsider):
        with pytest.raises(PermissionDenied):
            transfers.accept_transfer(tr, actor=county_officer, target_class=klass)
    assert (
        TransferRequest.objects.visible_to(outsider).filter(pk=tr.pk).exists()
    )  # the receiving county sees it
    transfers.accept_transfer(tr, actor=city, target_class=klass)
    assert Student.objects.get(pk=student.pk).unit_id == sibling_school.pk


def test_user_and_parent_with_another_child_keep_the_old_school(
    school, receiving, target, county, school_admin
):
    a, b = import_rows(school, county, "三年级", 2)
    parent = User.objects.create(username="p_shared", name="共同家长")
    Guardian.objects.filter(student__in=[a, b]).delete()
    Guardian.objects.bulk_create([Guardian(student=a, parent=parent), Guardian(student=b, parent=parent)])
    Membership.objects.create(user=parent, unit=school, role="parent")
    tr = _request(a, receiving, school_admin)
    transfers.accept_transfer(tr, actor=county, target_class=target)
    active = set(Membership.objects.filter(user=parent, is_active=True).values_list("unit_id", flat=True))
    assert active == {school.pk, receiving.pk}  # still a parent at the old school (the other child)
