"""The loop as a state machine: every (status, action, role) triple, for both grades.

The expectation is written out here from the issue, independently of `hazards.workflow`: an
allowed triple succeeds and lands in the declared status; the rest are refused and change nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.audit import AuditEvent
from safecampus.core.errors import Conflict, DomainError
from safecampus.hazards import services
from safecampus.hazards.models import Grade, Hazard, Status

from .conftest import photo_file

FROM = {
    "confirm": {"reported"},
    "reject": {"reported"},
    "assign": {"confirmed", "assigned", "rectifying"},
    "start": {"assigned"},
    "submit": {"rectifying"},
    "verify": {"submitted"},
    "send_back": {"submitted"},
    "close_on_spot": {"reported"},
}
TO = {
    "confirm": "confirmed", "reject": "rejected", "assign": "assigned", "start": "rectifying",
    "submit": "submitted", "verify": "closed", "send_back": "rectifying", "close_on_spot": "closed",
}  # fmt: skip
ROLES = ["safety", "principal", "rectifier", "finder", "county", "outsider", "parent"]
SCHOOL_MANAGERS = {"safety", "principal"}


def expected(role: str, action: str, status: str, grade: str) -> str:
    """ "ok", "409" (status or grade forbids) or "403" (the person may not)."""
    if status not in FROM[action]:
        return "409"
    if action in ("confirm", "reject", "assign"):
        return "ok" if role in SCHOOL_MANAGERS else "403"
    if action in ("start", "submit"):
        return "ok" if role == "rectifier" else "403"
    if action in ("verify", "send_back"):
        if grade == Grade.MAJOR:
            return "ok" if role == "county" else "403"
        return "ok" if role in SCHOOL_MANAGERS else "403"
    if action == "close_on_spot":
        if role not in SCHOOL_MANAGERS and role != "finder":
            return "403"
        return "409" if grade == Grade.MAJOR else "ok"
    raise AssertionError(action)


def data_for(action: str, rectifier: User) -> dict:
    return {
        "assign": {"rectifier": rectifier.pk, "deadline": timezone.localdate() + dt.timedelta(days=3),
                   "measures": "更换", "plan": "专项方案", "interim_measures": "设置警示"},
        "reject": {"reason": "不是隐患"},
        "send_back": {"reason": "照片不清"},
        "submit": {"note": "已更换"},
        "close_on_spot": {"note": "当场清理"},
        "verify": {"note": "复查合格"},
    }.get(action, {})  # fmt: skip


@pytest.mark.parametrize("grade", [Grade.GENERAL, Grade.MAJOR])
@pytest.mark.parametrize("status", [s.value for s in Status])
@pytest.mark.parametrize("action", list(FROM))
def test_every_triple(request, make_hazard, rectifier, grade, status, action):
    for role in ROLES:
        actor = request.getfixturevalue(role)
        hazard = make_hazard(status, grade)
        events = AuditEvent.objects.count()
        want = expected(role, action, status, grade)
        photos = [photo_file()] if action in ("close_on_spot", "submit") else []
        if want == "ok":
            done = services.act(
                hazard, actor=actor, action=action, data=data_for(action, rectifier), photos=photos
            )
            assert done.status == TO[action], (role, action, status, grade)
            assert AuditEvent.objects.count() == events + 1
            assert AuditEvent.objects.order_by("-id").first().verb == f"hazard.{action}"
            continue
        error = Conflict if want == "409" else PermissionDenied
        with pytest.raises(error):
            services.act(hazard, actor=actor, action=action, data=data_for(action, rectifier), photos=photos)
        assert Hazard.objects.get(pk=hazard.pk).status == status, (role, action, status, grade)
        assert AuditEvent.objects.count() == events


def test_unknown_action_is_invalid(make_hazard, safety):
    hazard = make_hazard()
    with pytest.raises(DomainError):
        services.act(hazard, actor=safety, action="delete")
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_compare_and_set_second_actor_loses(make_hazard, safety, principal):
    hazard = make_hazard()
    stale = Hazard.objects.get(pk=hazard.pk)  # the principal's page, loaded at the same moment
    services.act(hazard, actor=safety, action="confirm")
    with pytest.raises(Conflict):
        services.act(stale, actor=principal, action="reject", data={"reason": "重复"})
    assert Hazard.objects.get(pk=hazard.pk).status == Status.CONFIRMED


def test_full_loop_keeps_the_facts(make_hazard, safety, principal, rectifier):
    hazard = make_hazard()
    services.act(hazard, actor=safety, action="confirm")
    services.act(
        hazard, actor=principal, action="assign", data=data_for("assign", rectifier) | {"funds": "1200.5"}
    )
    services.act(hazard, actor=rectifier, action="start")
    with pytest.raises(DomainError):  # evidence photo first
        services.act(hazard, actor=rectifier, action="submit", data={"note": "已更换"})
    assert Hazard.objects.get(pk=hazard.pk).status == Status.RECTIFYING
    services.act(hazard, actor=rectifier, action="submit", data={"note": "已更换"}, photos=[photo_file()])
    services.act(hazard, actor=safety, action="send_back", data={"reason": "照片不清"})
    services.act(hazard, actor=rectifier, action="submit", data={"note": "补拍"}, photos=[photo_file()])
    services.act(hazard, actor=safety, action="verify", data={"note": "合格"})
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED and hazard.resolution == "verified"
    assert hazard.sent_back_count == 1 and str(hazard.funds) == "1200.50"
    assert hazard.verified_by == safety and hazard.rectifier == rectifier and hazard.closed_at


def test_major_hazard_needs_plan_interim_measures_and_the_bureau(make_hazard, principal, rectifier, county):
    hazard = make_hazard(Status.CONFIRMED, Grade.MAJOR)
    bare = {
        "rectifier": rectifier.pk,
        "deadline": timezone.localdate() + dt.timedelta(days=20),
        "measures": "加固",
    }
    with pytest.raises(DomainError) as err:
        services.act(hazard, actor=principal, action="assign", data=bare)
    assert err.value.field == "plan"
    with pytest.raises(DomainError) as err:
        services.act(hazard, actor=principal, action="assign", data=bare | {"plan": "专项整改方案"})
    assert err.value.field == "interim_measures"
    services.act(hazard, actor=principal, action="assign",
                 data=bare | {"plan": "专项整改方案", "interim_measures": "围挡、警示"})  # fmt: skip
    services.act(hazard, actor=rectifier, action="start")
    services.act(hazard, actor=rectifier, action="submit", data={"note": "完成"}, photos=[photo_file()])
    with pytest.raises(PermissionDenied):
        services.act(hazard, actor=principal, action="verify")
    services.act(hazard, actor=county, action="verify", data={"note": "验收合格"})
    hazard.refresh_from_db()
    assert hazard.resolution == "accepted" and hazard.verified_by == county


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"deadline": "not a date"}, "deadline"),
        ({"deadline": "2999-01-01"}, "deadline"),
        ({"rectifier": 999999}, "rectifier"),
        ({"measures": ""}, "measures"),
        ({"funds": "-5"}, "funds"),
        ({"funds": "NaN"}, "funds"),
    ],
)
def test_bad_assignment_changes_nothing(make_hazard, principal, rectifier, data, field):
    hazard = make_hazard(Status.CONFIRMED)
    good = data_for("assign", rectifier)
    with pytest.raises(DomainError) as err:
        services.act(hazard, actor=principal, action="assign", data=good | data)
    assert err.value.field == field
    assert Hazard.objects.get(pk=hazard.pk).status == Status.CONFIRMED


def test_rectifier_of_another_school_is_refused(make_hazard, principal):
    other = User.objects.get(username="demo_principal2")
    hazard = make_hazard(Status.CONFIRMED)
    with pytest.raises(DomainError):
        services.act(hazard, actor=principal, action="assign",
                     data=data_for("assign", other))  # fmt: skip
