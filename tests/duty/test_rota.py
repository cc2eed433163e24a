"""The rota generator: school days from the calendar (holidays skipped, make-up working days
included), a weekly or daily rotation, idempotent; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from safecampus.core.errors import Invalid, PermissionDenied
from safecampus.duty import rotas
from safecampus.duty.models import Rota, Shift

from .conftest import at

D = dt.date


@time_machine.travel(at(2026, 9, 13, 10), tick=False)
def test_rota_skips_holidays_and_includes_makeup_days(school, safety, principal, school_admin):
    rota, created = rotas.create_rota(
        school,
        actor=safety,
        kind="leadership",
        people=[principal.pk, school_admin.pk],
        starts_on="2026-09-14",
        ends_on="2026-10-11",
    )
    days = sorted(Shift.objects.filter(rota=rota).values_list("date", flat=True))
    assert created == len(days)
    assert D(2026, 9, 20) in days  # Sunday make-up working day (调休上班日)
    assert D(2026, 10, 10) in days  # Saturday make-up working day
    assert D(2026, 9, 25) not in days  # 中秋节
    assert not [d for d in days if D(2026, 10, 1) <= d <= D(2026, 10, 7)]  # 国庆节
    assert D(2026, 9, 19) not in days and D(2026, 9, 26) not in days  # weekends
    assert D(2026, 10, 8) in days and D(2026, 10, 9) in days
    # Weekly rotation: week 1 the principal, week 2 the admin, week 3 the principal again.
    who = dict(Shift.objects.filter(rota=rota).values_list("date", "person_id"))
    assert who[D(2026, 9, 14)] == who[D(2026, 9, 18)] == who[D(2026, 9, 20)] == principal.pk
    assert who[D(2026, 9, 21)] == school_admin.pk
    assert who[D(2026, 9, 28)] == principal.pk
    # 24 hours from the policy's start time.
    s = Shift.objects.get(rota=rota, date=D(2026, 9, 14))
    assert s.start == at(2026, 9, 14, 8) and s.end == at(2026, 9, 15, 8)


@time_machine.travel(at(2026, 9, 13, 10), tick=False)
def test_generation_is_idempotent_and_keeps_swapped_days(school, safety, head_teacher, guard):
    rota, created = rotas.create_rota(
        school,
        actor=safety,
        kind="gate",
        slot="arrival",
        people=[guard.pk, head_teacher.pk],
        rotation="daily",
        starts_on="2026-09-14",
        ends_on="2026-09-18",
        post="南门",
    )
    assert created == 5
    people = list(Shift.objects.filter(rota=rota).order_by("date").values_list("person_id", flat=True))
    assert people == [guard.pk, head_teacher.pk, guard.pk, head_teacher.pk, guard.pk]
    first = Shift.objects.filter(rota=rota).order_by("date").first()
    Shift.objects.filter(pk=first.pk).update(person=safety)  # as if swapped
    assert rotas.generate(rota, actor=safety) == 0
    assert Shift.objects.filter(rota=rota).count() == 5
    # Arrival at the demo school's calendar time, the gate post around it.
    arrival = first.start + dt.timedelta(minutes=20)
    assert first.end - arrival == dt.timedelta(minutes=30)


@time_machine.travel(at(2026, 9, 13, 10), tick=False)
def test_rota_days_on_chosen_weekdays_only(school, safety, head_teacher):
    rota, _n = rotas.create_rota(
        school,
        actor=safety,
        kind="duty",
        slot="day",
        people=[head_teacher.pk],
        weekdays=[1, 3],
        starts_on="2026-09-14",
        ends_on="2026-09-27",
    )
    days = sorted(Shift.objects.filter(rota=rota).values_list("date", flat=True))
    # Mondays and Wednesdays, and the Sunday make-up day whatever its weekday.
    assert days == [D(2026, 9, 14), D(2026, 9, 16), D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 23)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "night"}, "kind"),
        ({"slot": "evening", "kind": "gate"}, "slot"),
        ({"people": []}, "people"),
        ({"people": [999999]}, "people"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"ends_on": "2026-09-01"}, "ends_on"),
        ({"ends_on": "2028-01-01"}, "ends_on"),
        ({"weekdays": [0, 9]}, "weekdays"),
        ({"rotation": "hourly"}, "rotation"),
    ],
)
@time_machine.travel(at(2026, 9, 13, 10), tick=False)
def test_bad_rota_input_is_refused_and_nothing_is_written(school, safety, head_teacher, change, field):
    values = {
        "kind": "duty",
        "slot": "day",
        "people": [head_teacher.pk],
        "starts_on": "2026-09-14",
        "ends_on": "2026-09-20",
        **change,
    }
    with pytest.raises(Invalid) as err:
        rotas.create_rota(school, actor=safety, **values)
    assert err.value.field == field
    assert not Rota.objects.exists() and not Shift.objects.exists()


def test_a_sibling_schools_user_is_not_a_colleague(school, safety, outsider_principal):
    with pytest.raises(Invalid):
        rotas.create_rota(
            school,
            actor=safety,
            kind="leadership",
            people=[outsider_principal.pk],
            starts_on="2026-12-07",
            ends_on="2026-12-11",
        )


def test_only_managers_make_rotas(school, head_teacher, outsider_principal):
    for actor in (head_teacher, outsider_principal):
        with pytest.raises(PermissionDenied):
            rotas.create_rota(
                school,
                actor=actor,
                kind="leadership",
                people=[head_teacher.pk],
                starts_on="2026-12-07",
                ends_on="2026-12-11",
            )
    assert not Rota.objects.exists()
