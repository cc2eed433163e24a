"""Audit trail: written by services in the change's transaction, hash-chained, tamper-evident."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from safecampus.cli import main as cli_main
from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.models import AuditEvent, Unit
from safecampus.core.services import create_unit, update_unit


def test_service_writes_event_with_before_after(county, county_unit):
    unit = create_unit(
        county_unit,
        actor=county,
        code="demo-c1-k1-s9",
        name="东港区第九小学",
        kind="school",
        school_type="primary",
    )
    update_unit(unit, actor=county, name="东港区第九实验小学")
    event = AuditEvent.objects.filter(target_id=str(unit.pk), verb="unit.renamed").get()
    assert event.actor == county
    assert event.unit == unit
    assert event.before["name"] == "东港区第九小学"
    assert event.after["name"] == "东港区第九实验小学"
    assert audit.verify_chain().ok


def test_failed_change_leaves_no_event(county, county_unit):
    before = AuditEvent.objects.count()
    with pytest.raises(Invalid):
        create_unit(
            county_unit, actor=county, code="bad code!", name="x", kind="school", school_type="primary"
        )
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(None, "x.y", None)


def test_events_are_append_only(county):
    event = AuditEvent.objects.first()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _table() -> str:
    return AuditEvent._meta.db_table


@pytest.mark.django_db
def test_verify_detects_edited_row(county, county_unit, capsys):
    with transaction.atomic():
        update_unit(county_unit, actor=county, contact_name="孙志强")
    victim = AuditEvent.objects.order_by("id")[3]
    _raw(f"UPDATE {_table()} SET verb = %s WHERE id = %s", ["unit.tampered", victim.pk])
    result = audit.verify_chain()
    assert not result.ok and result.bad_event_id == victim.pk
    assert cli_main(["audit", "verify"]) == 1
    assert f"#{victim.pk}" in capsys.readouterr().err


def test_verify_detects_edited_after_json(county, county_unit):
    update_unit(county_unit, actor=county, contact_name="新联系人")
    victim = AuditEvent.objects.filter(verb="unit.updated").latest("id")
    _raw(f"UPDATE {_table()} SET after = %s WHERE id = %s", ['{"contact_name": "别人"}', victim.pk])
    result = audit.verify_chain()
    assert not result.ok and result.bad_event_id == victim.pk


def test_verify_detects_deleted_row(county, county_unit):
    update_unit(county_unit, actor=county, contact_name="甲")
    update_unit(county_unit, actor=county, contact_name="乙")
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    removed = ids[5]
    _raw(f"DELETE FROM {_table()} WHERE id = %s", [removed])
    result = audit.verify_chain()
    assert not result.ok
    assert result.bad_event_id == ids[6]  # the first event whose predecessor is gone


def test_verify_detects_removed_last_row(county, county_unit):
    update_unit(county_unit, actor=county, contact_name="丙")
    last = AuditEvent.objects.order_by("-id").first()
    _raw(f"DELETE FROM {_table()} WHERE id = %s", [last.pk])
    assert not audit.verify_chain().ok


def test_cli_verify_ok(capsys, demo):
    assert cli_main(["audit", "verify"]) == 0
    assert "ok" in capsys.readouterr().out


def test_timeline_is_scoped(county, outsider, county_unit):
    update_unit(county_unit, actor=county, contact_name="丁")
    assert audit.timeline_for(county_unit, county).exists()
    assert not audit.timeline_for(county_unit, outsider).exists()
    assert (
        not AuditEvent.objects.visible_to(outsider).filter(unit__path__startswith=county_unit.path).exists()
    )


def test_request_id_and_address_recorded(client_for, county, county_unit):
    c = client_for(county)
    resp = c.post(
        f"/org/units/{county_unit.pk}/edit/",
        {"name": county_unit.name, "contact_name": "戊"},
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="10.1.2.3",
    )
    assert resp.status_code == 302
    event = AuditEvent.objects.filter(target_id=str(county_unit.pk)).latest("id")
    assert event.request_id == "req-123"
    assert event.address == "10.1.2.3"
    assert Unit.objects.get(pk=county_unit.pk).contact_name == "戊"


def test_each_province_has_its_own_chain(operator, county, county_unit, capsys):
    """Provinces chain independently; a tampered event is reported for its own chain only."""
    other = create_unit(None, actor=operator, code="west", name="西部省", kind="province")
    city = create_unit(other, actor=operator, code="west-c1", name="西部一市", kind="city")
    update_unit(city, actor=operator, contact_name="周")
    update_unit(county_unit, actor=county, contact_name="吴")

    west = AuditEvent.objects.filter(chain=other.path).order_by("id")
    demo_events = AuditEvent.objects.filter(chain=county_unit.path[: Unit.steplen])
    assert west.count() == 3 and all(e.unit_path.startswith(other.path) for e in west)
    assert west.first().prev_hash == audit.GENESIS  # a new province starts its own chain
    latest_demo = demo_events.latest("id")
    assert latest_demo.unit_path == county_unit.path
    # The demo event written after the west events links to the previous demo event, not to them.
    assert latest_demo.prev_hash == demo_events.exclude(pk=latest_demo.pk).latest("id").hash

    victim = west[1]
    _raw(f"UPDATE {_table()} SET target_repr = %s WHERE id = %s", ["改过", victim.pk])
    by_chain = {r.chain: r for r in audit.verify_chains()}
    assert not by_chain[other.path].ok and by_chain[other.path].bad_event_id == victim.pk
    assert all(r.ok for key, r in by_chain.items() if key != other.path)
    assert cli_main(["audit", "verify"]) == 1
    out, err = capsys.readouterr()
    assert f"west ({other.path})" in err and f"#{victim.pk}" in err
    assert "demo (0001): ok" in out and "west" not in out


def test_events_without_unit_join_the_platform_chain(operator):
    with transaction.atomic():
        event = audit.record(operator, "platform.checked", None)
    assert event.chain == "platform" and event.unit_path == ""
    assert {r.chain for r in audit.verify_chains()} >= {"platform"}
    assert audit.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_writers_in_two_provinces_do_not_wait_for_each_other():
    """PostgreSQL: a transaction holding one province's chain does not block another province."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every writer anyway")
    import threading

    from django.db import OperationalError, connections

    east = Unit.add_root(code="east", name="东部省", kind="province")
    west = Unit.add_root(code="west", name="西部省", kind="province")
    outcome: dict[str, str] = {}

    def write_in(unit: Unit) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                audit.record(None, "test.write", unit)
            outcome[unit.code] = "written"
        except OperationalError:
            outcome[unit.code] = "waited"
        finally:
            connections.close_all()

    with transaction.atomic():
        audit.record(None, "test.write", east)  # holds the east chain until this block ends
        for unit in (west, east):
            t = threading.Thread(target=write_in, args=(unit,))
            t.start()
            t.join()
    assert outcome == {"west": "written", "east": "waited"}
    assert audit.verify_chain().ok
