"""Shift transitions: only the person takes over (from 30 minutes before the start), hands over only
after taking over and with a note, a retry with the same client id answers the first result; a
planned shift past start + grace is marked not taken over and the safety office is alerted."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import AuditEvent
from safecampus.duty import missed, services
from safecampus.duty.models import Shift, ShiftStatus
from safecampus.inbox.models import Notification

from .conftest import at


@pytest.fixture
def duty_shift(school, safety, head_teacher):
    with time_machine.travel(at(2026, 9, 13, 10), tick=False):
        return services.create_shift(
            school, actor=safety, kind="duty", slot="day", date="2026-09-14", person=head_teacher.pk
        )


def test_window_from_the_calendar(duty_shift):
    # demo-c1-k1-s1 arrives at its own time; dismissal is the policy's 16:30.
    assert duty_shift.end == at(2026, 9, 14, 16, 30)
    assert duty_shift.start.astimezone(at(2026, 1, 1).tzinfo).date() == dt.date(2026, 9, 14)


def test_only_the_person_takes_over_in_the_window(duty_shift, principal, head_teacher):
    opens = duty_shift.start - dt.timedelta(minutes=30)
    with pytest.raises(PermissionDenied):
        services.take_over(duty_shift, actor=principal, now=duty_shift.start)
    with pytest.raises(Invalid):
        services.take_over(duty_shift, actor=head_teacher, now=opens - dt.timedelta(minutes=1))
    duty_shift.refresh_from_db()
    assert duty_shift.status == ShiftStatus.PLANNED
    key = str(uuid.uuid4())
    done = services.take_over(duty_shift, actor=head_teacher, client_id=key, note="到岗", now=opens)
    assert done.status == ShiftStatus.ON_DUTY and done.take_over_note == "到岗"
    again = services.take_over(done, actor=head_teacher, client_id=key, now=opens)  # a retry
    assert again.pk == done.pk and again.take_over_at == opens
    with pytest.raises(Conflict):
        services.take_over(done, actor=head_teacher, client_id=str(uuid.uuid4()), now=opens)
    assert AuditEvent.objects.filter(verb="duty.taken_over", target_id=str(done.pk)).count() == 1


def test_hand_over_only_after_take_over_and_with_a_note(duty_shift, head_teacher, principal):
    with pytest.raises(Conflict):
        services.hand_over(duty_shift, actor=head_teacher, note="正常", now=duty_shift.start)
    services.take_over(duty_shift, actor=head_teacher, now=duty_shift.start)
    duty_shift.refresh_from_db()
    with pytest.raises(Invalid) as err:
        services.hand_over(duty_shift, actor=head_teacher, note="  ", now=duty_shift.end)
    assert err.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.hand_over(duty_shift, actor=principal, note="正常", now=duty_shift.end)
    key = uuid.uuid4()
    done = services.hand_over(
        duty_shift, actor=head_teacher, client_id=key, note="一切正常", now=duty_shift.end
    )
    assert done.status == ShiftStatus.HANDED_OVER and done.hand_over_note == "一切正常"
    assert services.hand_over(done, actor=head_teacher, client_id=key, note="x").hand_over_note == "一切正常"


def test_missed_after_grace_marks_and_alerts(duty_shift, head_teacher, safety, principal):
    grace_end = duty_shift.start + dt.timedelta(minutes=15)
    assert missed.mark_missed(grace_end - dt.timedelta(seconds=1)) == 0
    assert missed.mark_missed(grace_end) == 1
    duty_shift.refresh_from_db()
    assert duty_shift.status == ShiftStatus.MISSED and duty_shift.missed_at == grace_end
    alerted = set(
        Notification.objects.filter(dedupe_key=f"duty-shift:{duty_shift.pk}:missed").values_list(
            "user_id", flat=True
        )
    )
    assert alerted == {safety.pk, principal.pk}
    assert missed.mark_missed(grace_end + dt.timedelta(minutes=5)) == 0  # once
    assert Notification.objects.filter(dedupe_key=f"duty-shift:{duty_shift.pk}:missed").count() == 2
    assert AuditEvent.objects.filter(verb="duty.missed").count() == 1
    # Taken over late: on duty, the missed mark kept.
    late = services.take_over(duty_shift, actor=head_teacher, now=grace_end + dt.timedelta(minutes=10))
    assert late.status == ShiftStatus.ON_DUTY and late.missed_at == grace_end


def test_taken_over_shift_is_not_missed(duty_shift, head_teacher):
    services.take_over(duty_shift, actor=head_teacher, now=duty_shift.start)
    assert missed.mark_missed(duty_shift.start + dt.timedelta(hours=1)) == 0


@time_machine.travel(at(2026, 9, 13, 10), tick=False)
def test_plan_edit_remove_rules(school, safety, head_teacher, guard, outsider_principal):
    with pytest.raises(Invalid) as err:
        services.create_shift(
            school, actor=safety, kind="duty", slot="day", date="2026-09-01", person=guard.pk
        )
    assert err.value.field == "date"
    with pytest.raises(PermissionDenied):
        services.create_shift(
            school, actor=head_teacher, kind="duty", slot="day", date="2026-09-14", person=guard.pk
        )
    with pytest.raises(Invalid) as err:
        services.create_shift(
            school, actor=safety, kind="duty", slot="day", date="2026-09-14", person=outsider_principal.pk
        )
    assert err.value.field == "person"
    s = services.create_shift(
        school, actor=safety, kind="gate", slot="dismissal", date="2026-09-14", person=guard.pk
    )
    with pytest.raises(Invalid):
        services.create_shift(
            school, actor=safety, kind="gate", slot="dismissal", date="2026-09-14", person=guard.pk
        )
    s = services.edit_shift(s, actor=safety, person=head_teacher.pk, slot="arrival")
    assert s.person_id == head_teacher.pk and s.slot == "arrival"
    services.remove_shift(s, actor=safety)
    assert not Shift.objects.exists()


def test_a_bureau_reads_but_does_not_keep_a_school_s_roster(school, county, head_teacher, duty_shift):
    """The county sees the school's shifts; planning, changing and removing them is the school's."""
    with pytest.raises(PermissionDenied):
        services.create_shift(school, actor=county, kind="duty", slot="day", date="2026-09-15",
                              person=head_teacher.pk)  # fmt: skip
    assert not Shift.objects.filter(created_by=county).exists()
    assert not services.may_manage(county, school)
