"""Visits through the services: pre-registration, booking and approval, walk-in, check-in and
check-out along the one transition table, the watch list's warning, masking and the audited
reveal, bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecampus.core.errors import Conflict, Invalid, InvalidFields
from safecampus.core.models import AuditEvent
from safecampus.visitors import services, watch
from safecampus.visitors.models import Visit, VisitStatus
from safecampus.visitors.workflow import TRANSITIONS

from .conftest import cid, id_number


def test_host_pre_registers_approved_at_once(make_visit, head_teacher) -> None:
    visit = make_visit()
    assert visit.status == VisitStatus.APPROVED
    assert visit.host == head_teacher
    assert visit.pass_code.startswith("V") and len(visit.pass_code) == 9
    assert AuditEvent.objects.filter(verb="visitors.registered", target_id=str(visit.pk)).exists()


def test_retry_with_the_same_client_id_answers_the_first(school, head_teacher) -> None:
    data = {"client_id": cid(), "visitor_name": "王", "purpose": "约谈", "expected_at": timezone.now()}
    first, created = services.register_visit(school, actor=head_teacher, data=data)
    again, created_again = services.register_visit(school, actor=head_teacher, data=data)
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.filter(client_id=data["client_id"]).count() == 1


def test_pass_codes_are_unique_and_unguessable(make_visit) -> None:
    codes = {make_visit().pass_code for _i in range(20)}
    assert len(codes) == 20
    assert all(set(c[1:]) <= set(services.CODE_ALPHABET) for c in codes)


def test_booking_waits_for_the_host_who_approves(school, head_teacher, guard) -> None:
    link = services.booking_link(school, actor=guard)
    visit = services.book_visit(link, data={
        "visitor_name": "孙伟", "visitor_phone": "13505327777", "id_number": id_number(),
        "host_name": head_teacher.display_name, "purpose": "咨询", "expected_at": timezone.now(),
    })  # fmt: skip
    assert visit.status == VisitStatus.PENDING and visit.host == head_teacher
    with pytest.raises(Conflict):
        services.check_in(visit, actor=guard)
    with pytest.raises(PermissionDenied):
        services.approve(visit, actor=guard)  # not the host
    services.approve(visit, actor=head_teacher)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.APPROVED and visit.decided_by == head_teacher


def test_host_declines(school, head_teacher, guard) -> None:
    link = services.booking_link(school, actor=guard)
    visit = services.book_visit(link, data={
        "visitor_name": "孙伟", "visitor_phone": "13505327777", "id_number": id_number(),
        "host_name": head_teacher.display_name, "purpose": "咨询", "expected_at": timezone.now(),
    })  # fmt: skip
    services.decline(visit, actor=head_teacher, reason="时间不合适")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DECLINED and visit.decline_reason == "时间不合适"


def test_booking_with_an_unknown_host_or_bad_fields_changes_nothing(school, guard) -> None:
    link = services.booking_link(school, actor=guard)
    before = Visit.objects.count()
    with pytest.raises(InvalidFields) as err:
        services.book_visit(link, data={
            "visitor_name": "", "visitor_phone": "123", "id_number": "110101199001011234",
            "host_name": "无此人", "purpose": "", "expected_at": "tomorrow",
        })  # fmt: skip
    assert set(err.value.errors) >= {
        "visitor_name",
        "visitor_phone",
        "id_number",
        "host_name",
        "purpose",
        "expected_at",
    }
    assert Visit.objects.count() == before


def test_check_in_and_out_once(make_visit, guard) -> None:
    visit = make_visit()
    visit, found = services.check_in(visit, actor=guard)
    assert visit.status == VisitStatus.INSIDE and visit.checked_in_by == guard and not found
    with pytest.raises(Conflict):
        services.check_in(visit, actor=guard)
    visit = services.check_out(visit, actor=guard)
    assert visit.status == VisitStatus.LEFT and visit.checked_out_at >= visit.checked_in_at
    with pytest.raises(Conflict):
        services.check_out(visit, actor=guard)


def test_a_pass_for_another_day_is_refused(make_visit, guard) -> None:
    visit = make_visit(expected_at=timezone.now() + dt.timedelta(days=2))
    with pytest.raises(Conflict):
        services.check_in(visit, actor=guard)


def test_teacher_cannot_check_in(make_visit, head_teacher) -> None:
    with pytest.raises(PermissionDenied):
        services.check_in(make_visit(), actor=head_teacher)


@pytest.mark.parametrize("start", list(VisitStatus))
def test_transition_table(start, make_visit, guard, principal) -> None:
    """Every (state, action) pair: allowed moves land where the table says, others are refused."""
    for action, (allowed, to_state, _perm) in TRANSITIONS.items():
        visit = make_visit()
        Visit.objects.filter(pk=visit.pk).update(status=start)
        visit.refresh_from_db()
        actor = guard if action.startswith("check") else principal
        move = {
            "approve": services.approve,
            "decline": services.decline,
            "cancel": services.cancel,
            "check_in": lambda v, actor: services.check_in(v, actor=actor)[0],
            "check_out": services.check_out,
        }[action]
        if start in allowed:
            assert move(visit, actor=actor).status == to_state
        else:
            with pytest.raises(Conflict):
                move(visit, actor=actor)
            visit.refresh_from_db()
            assert visit.status == start


def test_walk_in_is_inside_at_once_and_retry_is_once(school, guard) -> None:
    data = {"client_id": cid(), "visitor_name": "李华", "id_number": id_number(), "purpose": "送货"}
    visit, found, created = services.walk_in(school, actor=guard, data=data)
    assert created and visit.status == VisitStatus.INSIDE and visit.checked_in_at and not found
    again, _f, created2 = services.walk_in(school, actor=guard, data=data)
    assert again.pk == visit.pk and not created2


def test_walk_in_needs_an_id_number(school, guard) -> None:
    with pytest.raises(InvalidFields) as err:
        services.walk_in(school, actor=guard, data={"visitor_name": "李华", "purpose": "送货"})
    assert "id_number" in err.value.errors


def test_watch_list_match_warns_on_walk_in_lookup_and_check_in(school, principal, guard, make_visit) -> None:
    barred = id_number("37020219850312571")
    entry = watch.add_entry(
        school, actor=principal, data={"name": "周强", "id_number": barred, "reason": "custody"}
    )
    # By ID number at a walk-in, whatever name is given.
    visit, found, _c = services.walk_in(
        school, actor=guard, data={"visitor_name": "周某", "id_number": barred, "purpose": "接孩子"}
    )
    assert [e.pk for e in found] == [entry.pk]
    visit.refresh_from_db()
    assert visit.watch_match_id == entry.pk
    assert AuditEvent.objects.filter(
        verb=watch.MATCHED, target_id=str(visit.pk), after__on="walk_in"
    ).exists()
    # By exact name at check-in.
    other = make_visit(visitor_name="周强", id_number="")
    _v, found = services.check_in(other, actor=guard)
    assert (
        found
        and AuditEvent.objects.filter(
            verb=watch.MATCHED, target_id=str(other.pk), after__on="check_in"
        ).exists()
    )
    # An entry past its date, or taken off, no longer matches.
    watch.remove_entry(entry, actor=principal)
    assert watch.matches(school, name="周强", id_number=barred) == []


def test_watch_list_is_the_principals(school, guard) -> None:
    with pytest.raises(PermissionDenied):
        watch.add_entry(school, actor=guard, data={"name": "周强", "reason": "custody"})


def test_watch_list_bad_input_changes_nothing(school, principal) -> None:
    from safecampus.visitors.models import WatchEntry

    with pytest.raises(InvalidFields) as err:
        watch.add_entry(
            school,
            actor=principal,
            data={"name": "", "reason": "x", "id_number": "12", "valid_until": "2000-01-01"},
        )
    assert set(err.value.errors) == {"name", "reason", "id_number", "valid_until"}
    assert not WatchEntry.objects.filter(unit=school).exists()


def test_numbers_encrypted_masked_and_reveal_audited(make_visit, guard, school_admin, head_teacher) -> None:
    visit = make_visit(visitor_phone="13905321234")
    raw = Visit.objects.filter(pk=visit.pk).values("phone_enc", "id_number_enc").get()
    assert "13905321234" not in raw["phone_enc"] and id_number() not in raw["id_number_enc"]
    assert visit.phone_masked == "139****1234"
    assert "*" in visit.id_number_masked
    assert services.reveal("id_number", visit, actor=guard) == id_number()
    assert services.reveal("phone", visit, actor=head_teacher) == "13905321234"  # the host
    assert AuditEvent.objects.filter(verb="privacy.revealed", target_id=str(visit.pk)).count() == 2
    theirs = make_visit(actor=school_admin)
    with pytest.raises(PermissionDenied):
        services.reveal("phone", theirs, actor=head_teacher)  # neither the gate nor the host


def test_outsiders_cannot_act(make_visit, outsider_principal, outsider) -> None:
    visit = make_visit()
    for actor in (outsider_principal, outsider):
        with pytest.raises(PermissionDenied):
            services.check_in(visit, actor=actor)
        with pytest.raises(PermissionDenied):
            services.approve(visit, actor=actor)


def test_closing_time_from_policy(school) -> None:
    from safecampus.visitors import queries

    assert queries.closing_time(school) == dt.time(17, 30)


@pytest.mark.parametrize(
    ("field", "value"), [("plate", "!!"), ("expected_at", "2000-01-01T10:00"), ("visitor_phone", "12345")]
)
def test_bad_input_changes_nothing(school, head_teacher, field, value) -> None:
    before = Visit.objects.count()
    data = {"visitor_name": "王", "purpose": "约谈", "expected_at": timezone.now(), field: value}
    with pytest.raises(Invalid):
        services.register_visit(school, actor=head_teacher, data=data)
    assert Visit.objects.count() == before
