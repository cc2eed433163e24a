"""The demo step: today demo_principal on the leadership shift, demo_teacher on duty, demo_guard at
the gate; past shifts handed over with notes; one swap waiting; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import time_machine

from safecampus.duty.models import Kind, Shift, ShiftStatus, Swap

from .conftest import at

NOW = at(2026, 9, 17, 11)  # a Thursday


@time_machine.travel(NOW, tick=False)
def test_demo_step(demo, monkeypatch, principal, head_teacher, guard):
    from safecampus.demo import _duty

    monkeypatch.setenv("SAFECAMPUS_DEMO_DUTY", "1")
    _duty()
    today = dt.date(2026, 9, 17)
    on = {(s.kind, s.person_id) for s in Shift.objects.filter(unit__code="demo-c1-k1-s1", date=today)}
    assert (
        (Kind.LEADERSHIP, principal.pk) in on
        and (Kind.DUTY, head_teacher.pk) in on
        and (Kind.GATE, guard.pk) in on
    )
    past = Shift.objects.filter(date__lt=today)
    assert past.filter(status=ShiftStatus.HANDED_OVER).exclude(hand_over_note="").count() >= 6
    assert past.filter(status=ShiftStatus.MISSED).count() == 1
    assert Swap.objects.filter(status="requested").count() == 1
    assert Shift.objects.filter(date__gt=today + dt.timedelta(days=3)).exists()  # next week
    count = Shift.objects.count()
    _duty()
    assert Shift.objects.count() == count
