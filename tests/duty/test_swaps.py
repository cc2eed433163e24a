"""Swaps: asked by the person on a planned shift, to a colleague of the same school, with a reason;
approved or rejected by a manager of the school who is not one of the two; approval moves the shift."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.duty import services, swaps
from safecampus.duty.cover import on_duty_for_class
from safecampus.duty.models import Shift, Swap, SwapStatus
from safecampus.inbox.models import Notification

from .conftest import at

NOW = at(2026, 9, 13, 10)


@pytest.fixture
def shift(school, principal, safety):
    with time_machine.travel(NOW, tick=False):
        return services.create_shift(
            school, actor=principal, kind="duty", slot="day", date="2026-09-14", person=safety.pk
        )


@time_machine.travel(NOW, tick=False)
def test_request_rules(
    shift, safety, head_teacher, principal, outsider_principal, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        swaps.request_swap(shift, actor=head_teacher, to_person=principal.pk, reason="x")
    with pytest.raises(Invalid) as err:
        swaps.request_swap(shift, actor=safety, to_person=outsider_principal.pk, reason="培训")
    assert err.value.field == "to_person"
    with pytest.raises(Invalid) as err:
        swaps.request_swap(shift, actor=safety, to_person=safety.pk, reason="培训")
    assert err.value.field == "to_person"
    with pytest.raises(Invalid) as err:
        swaps.request_swap(shift, actor=safety, to_person=head_teacher.pk, reason=" ")
    assert err.value.field == "reason"
    assert not Swap.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        swap = swaps.request_swap(
            shift,
            actor=safety,
            to_person=head_teacher.pk,
            reason="培训",
            client_id="9f0e6a86-9d43-4a3c-a1a4-7b1d2b7bb7a1",
        )
    again = swaps.request_swap(
        shift,
        actor=safety,
        to_person=head_teacher.pk,
        reason="培训",
        client_id="9f0e6a86-9d43-4a3c-a1a4-7b1d2b7bb7a1",
    )
    assert again.pk == swap.pk
    with pytest.raises(Conflict):
        swaps.request_swap(shift, actor=safety, to_person=head_teacher.pk, reason="again")
    assert Notification.objects.filter(dedupe_key=f"duty-swap:{swap.pk}:requested", user=principal).exists()


@time_machine.travel(NOW, tick=False)
def test_approval_rules(shift, safety, head_teacher, principal, schooladmin, county, outsider_principal):
    swap = swaps.request_swap(shift, actor=safety, to_person=principal.pk, reason="培训")
    for actor in (head_teacher, outsider_principal, principal):  # not a manager; another school; one's own
        with pytest.raises(PermissionDenied):
            swaps.decide_swap(swap, actor=actor, action="approve")
    swaps.decide_swap(swap, actor=schooladmin, action="approve")
    shift.refresh_from_db()
    assert shift.person_id == principal.pk
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED and swap.decided_by_id == schooladmin.pk
    with pytest.raises(Conflict):
        swaps.decide_swap(swap, actor=schooladmin, action="reject")


@time_machine.travel(NOW, tick=False)
def test_reject_leaves_the_shift(shift, safety, head_teacher, schooladmin):
    swap = swaps.request_swap(shift, actor=safety, to_person=head_teacher.pk, reason="培训")
    swaps.decide_swap(swap, actor=schooladmin, action="reject", note="人手不足")
    shift.refresh_from_db()
    assert shift.person_id == safety.pk
    assert Swap.objects.get(pk=swap.pk).status == SwapStatus.REJECTED


@time_machine.travel(NOW, tick=False)
def test_a_started_shift_cannot_be_swapped(shift, safety, head_teacher):
    Shift.objects.filter(pk=shift.pk).update(start=at(2026, 9, 13, 9))
    shift.refresh_from_db()
    with pytest.raises(Conflict):
        swaps.request_swap(shift, actor=safety, to_person=head_teacher.pk, reason="培训")


@time_machine.travel(NOW, tick=False)
def test_cover_hook_true_for_the_teacher_on_duty(school, safety, head_teacher, guard):
    from safecampus.roster.models import SchoolClass
    from tests.roster.samples import ensure_k1_roster

    ensure_k1_roster()
    klass = SchoolClass.objects.filter(unit=school).first()
    services.create_shift(
        school, actor=safety, kind="duty", slot="day", date="2026-09-14", person=head_teacher.pk
    )
    services.create_shift(
        school, actor=safety, kind="gate", slot="arrival", date="2026-09-14", person=guard.pk
    )
    day = dt.date(2026, 9, 14)
    assert on_duty_for_class(head_teacher, klass, day) is True
    assert on_duty_for_class(head_teacher, klass, day + dt.timedelta(days=1)) is False
    assert on_duty_for_class(guard, klass, day) is False  # a gate post does not cover a class
    assert on_duty_for_class(safety, klass, day) is False
    # Registered with the talks app: the teacher on duty may record the class's 1530 talk.
    talk_cover = pytest.importorskip("safecampus.talks.cover")
    assert talk_cover.covers(head_teacher, klass, day) and not talk_cover.covers(guard, klass, day)
