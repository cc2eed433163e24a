"""Deadlines with a frozen clock: reminders before, escalation school → county → city after,
from the policy's days per level and grade; running the job twice changes nothing."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from safecampus.core.audit import AuditEvent
from safecampus.core.models import Unit
from safecampus.core.policy import load_policy
from safecampus.hazards import escalation, queries, services
from safecampus.hazards.models import Escalation, Grade, Hazard, Status
from safecampus.hazards.tasks import hazard_deadlines
from safecampus.inbox.models import Notification

from .conftest import photo_file

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _assigned(school, principal, rectifier, safety, grade=Grade.GENERAL, days=7):
    data = {"category": "fire", "location": "东楼", "description": "灭火器失效", "grade": grade}
    hazard, _ = services.report(school, actor=safety, data=data)
    services.act(hazard, actor=principal, action="confirm")
    services.act(hazard, actor=principal, action="assign", data={
        "rectifier": rectifier.pk, "deadline": timezone.localdate() + dt.timedelta(days=days),
        "measures": "更换",
        "plan": "方案", "interim_measures": "警示"})  # fmt: skip
    return hazard


def test_general_hazard_escalates_by_policy_days(school, principal, rectifier, safety, county, city):
    with time_machine.travel(START, tick=False) as clock:
        hazard = _assigned(
            school, principal, rectifier, safety
        )  # deadline 2026-03-09; county after 3, city after 15
        county_unit = Unit.objects.get(code="demo-c1-k1")
        city_unit = Unit.objects.get(code="demo-c1")
        clock.move_to(START + dt.timedelta(days=6))  # 1 day before: reminded, nothing escalates
        result = escalation.run()
        assert result.reminded == 1 and result.escalated == 0
        assert (
            Notification.objects.filter(
                user=rectifier, dedupe_key__startswith=f"hazard:{hazard.pk}:due"
            ).count()
            == 1
        )
        assert escalation.run().reminded == 0  # once
        clock.move_to(START + dt.timedelta(days=7 + 2))  # 2 days overdue: still the school's
        assert escalation.run().escalated == 0
        assert Hazard.objects.get(pk=hazard.pk).overdue_days(timezone.localdate()) == 2
        clock.move_to(START + dt.timedelta(days=7 + 3))  # 3 days overdue → county
        assert escalation.run().escalated == 1
        hazard.refresh_from_db()
        assert hazard.escalation == Escalation.COUNTY
        assert list(queries.overdue_board(county, county_unit)) == [hazard]
        assert list(queries.overdue_board(city, city_unit)) == []
        assert Notification.objects.filter(
            user=county, dedupe_key=f"hazard:{hazard.pk}:escalated:county"
        ).exists()
        events = AuditEvent.objects.count()
        assert escalation.run().escalated == 0  # twice: nothing changes
        assert AuditEvent.objects.count() == events
        clock.move_to(START + dt.timedelta(days=7 + 15))  # 15 days overdue → city
        assert hazard_deadlines.call_local() == (0, 1)
        hazard.refresh_from_db()
        assert hazard.escalation == Escalation.CITY
        assert list(queries.overdue_board(city, city_unit)) == [hazard]
        assert escalation.run().escalated == 0


def test_major_hazard_escalates_sooner_and_submitted_stops_the_clock(school, principal, rectifier, safety):
    with time_machine.travel(START, tick=False) as clock:
        major = _assigned(school, principal, rectifier, safety, grade=Grade.MAJOR, days=10)
        general = _assigned(school, principal, rectifier, safety, days=10)
        services.act(general, actor=rectifier, action="start")
        services.act(general, actor=rectifier, action="submit", data={"note": "完成"}, photos=[photo_file()])
        clock.move_to(START + dt.timedelta(days=11))  # 1 day overdue: major → county (policy 1 day)
        assert escalation.run().escalated == 1
        assert Hazard.objects.get(pk=major.pk).escalation == Escalation.COUNTY
        assert Hazard.objects.get(pk=general.pk).escalation == Escalation.SCHOOL  # submitted in time
        clock.move_to(START + dt.timedelta(days=15))  # 5 days → city
        escalation.run()
        assert Hazard.objects.get(pk=major.pk).escalation == Escalation.CITY


def test_a_county_policy_changes_the_days(school, principal, rectifier, safety, operator):
    county_unit = Unit.objects.get(code="demo-c1-k1")
    with time_machine.travel(START, tick=False) as clock:
        load_policy(county_unit, {"hazards": {"escalate_after_days": {"general": {"county": 1}}}},
                    version="k1-hz", effective_from=dt.date(2026, 1, 1), actor=operator)  # fmt: skip
        hazard = _assigned(school, principal, rectifier, safety, days=2)
        clock.move_to(START + dt.timedelta(days=3))
        assert escalation.run().escalated == 1
        assert Hazard.objects.get(pk=hazard.pk).escalation == Escalation.COUNTY


def test_closed_and_unassigned_hazards_never_escalate(school, principal, rectifier, safety, make_hazard):
    with time_machine.travel(START, tick=False) as clock:
        make_hazard(Status.CLOSED, deadline=dt.date(2026, 1, 1))
        make_hazard(Status.CONFIRMED)
        clock.move_to(START + dt.timedelta(days=100))
        assert escalation.run().escalated == 0
        assert not Hazard.objects.exclude(escalation=Escalation.SCHOOL).exists()


def test_a_rectifier_with_verify_rights_still_cannot_verify_their_own(make_hazard, safety, principal):
    hazard = make_hazard(Status.SUBMITTED, rectifier=safety)
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="own"):
        services.act(hazard, actor=safety, action="verify")
    services.act(hazard, actor=principal, action="verify")
