"""Exit passes through the services: the transition table, who may decide, the gate's verdicts
(no approval, outside the window, another school), the parents' notices and the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecampus.core.errors import Conflict, InvalidFields
from safecampus.core.models import AuditEvent, Unit
from safecampus.exits import gate, services
from safecampus.exits.models import ExitPass, ExitStatus
from safecampus.exits.status import effective
from safecampus.exits.workflow import TRANSITIONS
from safecampus.inbox.models import Notification

from .conftest import window

pytestmark = pytest.mark.django_db


def test_head_teacher_request_is_pending_then_approved(make_pass, head_teacher, classmate):
    p = make_pass()
    assert p.status == ExitStatus.PENDING and len(p.code) == services.CODE_LENGTH
    assert p.requested_as == "head_teacher"
    p = services.decide(p, actor=head_teacher, approve=True)
    assert p.status == ExitStatus.APPROVED and p.decided_by == head_teacher
    verbs = list(
        AuditEvent.objects.filter(target_id=str(p.pk), verb__startswith="exits.").values_list(
            "verb", flat=True
        )
    )
    assert set(verbs) == {"exits.requested", "exits.approve"}


def test_codes_are_unique_and_unguessable(make_pass):
    codes = {make_pass().code for _ in range(5)}
    assert len(codes) == 5
    assert all(set(c) <= set(services.ALPHABET) for c in codes)


def test_parent_requests_for_own_child_and_the_head_teacher_is_told(parent, pupil, head_teacher, make_pass):
    p = make_pass(student=pupil, actor=parent)
    assert p.requested_as == "parent" and p.status == ExitStatus.PENDING
    assert Notification.objects.filter(user=head_teacher, dedupe_key=f"exit:{p.pk}:requested").exists()


def test_parent_may_not_ask_for_another_child(parent, classmate, make_pass):
    with pytest.raises(InvalidFields) as exc:
        make_pass(student=classmate, actor=parent)
    assert "student_id" in exc.value.errors
    assert not ExitPass.objects.exists()


def test_approve_by_other_staff_is_refused(make_pass, principal, guard, parent, pupil):
    p = make_pass()
    for who in (principal, guard):
        with pytest.raises(PermissionDenied):
            services.decide(p, actor=who, approve=True)
    mine = make_pass(student=pupil, actor=parent)
    with pytest.raises(PermissionDenied):
        services.decide(mine, actor=parent, approve=True)  # a parent cannot approve their own request
    p.refresh_from_db()
    assert p.status == ExitStatus.PENDING


def test_parent_is_told_of_the_decision_and_the_gate(parent, pupil, head_teacher, guard, school, make_pass):
    p = make_pass(student=pupil, actor=parent)
    services.decide(p, actor=head_teacher, approve=True)
    assert Notification.objects.filter(user=parent, dedupe_key=f"exit:{p.pk}:approved").exists()
    verdict = gate.check_code(guard, school, p.code)
    assert verdict.allowed and verdict.action == "exit" and verdict.recorded
    assert Notification.objects.filter(user=parent, dedupe_key=f"exit:{p.pk}:exit").exists()
    back = gate.check_code(guard, school, p.code.lower())  # typed in lower case: the same code
    assert back.allowed and back.action == "return"
    assert Notification.objects.filter(user=parent, dedupe_key=f"exit:{p.pk}:return").exists()
    p.refresh_from_db()
    assert p.status == ExitStatus.RETURNED and p.out_by == guard and p.returned_by == guard
    third = gate.check_code(guard, school, p.code)
    assert not third.allowed and "used" in third.reason


def test_parent_told_of_a_decline(parent, pupil, head_teacher, make_pass):
    p = make_pass(student=pupil, actor=parent)
    services.decide(p, actor=head_teacher, approve=False, note="今天有考试")
    note = Notification.objects.get(user=parent, dedupe_key=f"exit:{p.pk}:declined")
    assert pupil.name in note.rendered_title() if hasattr(note, "rendered_title") else True


def test_refused_without_approval(make_pass, guard, school):
    p = make_pass()
    verdict = gate.check_code(guard, school, p.code)
    assert not verdict.allowed and "not approved" in verdict.reason
    p.refresh_from_db()
    assert p.status == ExitStatus.PENDING and p.out_at is None
    assert AuditEvent.objects.filter(verb="exits.refused", target_id=str(p.pk)).exists()


def test_refused_after_the_window(make_pass, guard, school, head_teacher):
    p = make_pass(approve=True)
    ExitPass.objects.filter(pk=p.pk).update(
        window_from=timezone.now() - dt.timedelta(hours=5),
        window_until=timezone.now() - dt.timedelta(minutes=1),
    )
    p.refresh_from_db()
    assert effective(p) == ExitStatus.EXPIRED
    verdict = gate.check_code(guard, school, p.code)
    assert not verdict.allowed and "window is over" in verdict.reason
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED and p.out_at is None


def test_refused_before_the_window(make_pass, guard, school):
    start, end = window(2, 4)
    p = make_pass(approve=True, **{"from": start, "until": end})
    verdict = gate.check_code(guard, school, p.code)
    assert not verdict.allowed and "Too early" in verdict.reason


def test_refused_at_another_schools_gate(make_pass, school):
    p = make_pass(approve=True)
    other = Unit.objects.get(code="demo-c1-k1-s2")
    from safecampus.accounts.models import User
    from safecampus.core.models import Membership

    guard2 = User.objects.create_user(username="guard_s2", password="x")
    Membership.objects.create(user=guard2, unit=other, role="guard")
    verdict = gate.check_code(guard2, other, p.code)
    assert not verdict.allowed and "another school" in verdict.reason
    assert verdict.student() is None  # nothing about the pupil at another school's gate
    p.refresh_from_db()
    assert p.status == ExitStatus.APPROVED


def test_unknown_code_and_no_gate(guard, school, head_teacher):
    assert not gate.check_code(guard, school, "ZZZZZZZZZZ").allowed
    with pytest.raises(PermissionDenied):
        gate.check_code(head_teacher, school, "ZZZZZZZZZZ")


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", [s for s in ExitStatus.values if s != ExitStatus.EXPIRED])
def test_every_state_and_action(make_pass, head_teacher, guard, state, action):
    """Each action moves exactly the states of its row of the table; the others are a conflict."""
    p = make_pass()
    ExitPass.objects.filter(pk=p.pk).update(status=state)
    p.refresh_from_db()
    allowed_from, to_state, _who = TRANSITIONS[action]
    if action in ("approve", "decline"):
        run = lambda: services.decide(p, actor=head_teacher, approve=action == "approve")  # noqa: E731
    elif action == "cancel":
        run = lambda: services.cancel(p, actor=head_teacher)  # noqa: E731
    else:
        run = lambda: services.record_gate(p, actor=guard, action=action)  # noqa: E731
    if state in allowed_from:
        assert run().status == to_state
    else:
        with pytest.raises(Conflict):
            run()
        p.refresh_from_db()
        assert p.status == state


def test_an_expired_pending_pass_cannot_be_approved(make_pass, head_teacher):
    p = make_pass()
    ExitPass.objects.filter(pk=p.pk).update(window_until=timezone.now() - dt.timedelta(minutes=1),
                                            window_from=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    with pytest.raises(Conflict):
        services.decide(p, actor=head_teacher, approve=True)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"reason": ""}, "reason"),
        ({"from": "not a time"}, "from"),
        ({"until": None}, "until"),
        ({"student_id": "abc"}, "student_id"),
        ({"kind": "holiday"}, "kind"),
        ({"kind": "boarding"}, "kind"),  # a day pupil takes no boarding leave
        ({"client_id": "nope"}, "client_id"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(make_pass, change, field):
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidFields) as exc:
        make_pass(**change)
    assert field in exc.value.errors
    assert not ExitPass.objects.exists() and AuditEvent.objects.count() == events


def test_window_rules(make_pass):
    start, end = window(1, -1)
    with pytest.raises(InvalidFields) as exc:
        make_pass(**{"from": start, "until": end})
    assert "until" in exc.value.errors
    start, end = window(-3, -1)
    with pytest.raises(InvalidFields):
        make_pass(**{"from": start, "until": end})
    start, end = window(0, 30)
    with pytest.raises(InvalidFields):  # a day's leave is one day at most
        make_pass(**{"from": start, "until": end})


def test_boarding_leave_works_the_same_way(make_pass, classmate, head_teacher, guard, school):
    classmate.boarding = True
    classmate.save(update_fields=["boarding"])
    start, end = window(-1, 24 * 3)
    p = make_pass(kind="boarding", approve=True, **{"from": start, "until": end})
    assert p.kind == "boarding"
    assert gate.check_code(guard, school, p.code).action == "exit"
    assert gate.check_code(guard, school, p.code).action == "return"


def test_retry_with_the_same_client_id_opens_one_pass(make_pass):
    cid = str(uuid.uuid4())
    first = make_pass(client_id=cid)
    again = make_pass(client_id=cid)
    assert first.pk == again.pk and ExitPass.objects.count() == 1


def test_gate_log_and_desk(make_pass, guard, school):
    from safecampus.visitors import desk, gatelog

    p = make_pass(approve=True)
    assert desk.find(guard, school, p.code_display) == gate.check_url(p.code)
    gate.check_code(guard, school, p.code)
    rows = [e for e in gatelog.entries(guard, school, timezone.localdate()) if e.kind == "exit"]
    assert len(rows) == 1 and rows[0].direction == "out" and p.student.name not in rows[0].who
