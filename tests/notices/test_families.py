"""The head teacher's class list: names of families not confirmed, reminders at most once a day
(emitting notice.reminder); bureaus and school managers see counts and rates only, never names."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from safecampus.core import events
from safecampus.inbox.models import Notification
from safecampus.notices import families, receipts
from safecampus.notices.models import Reminder
from safecampus.notices.queries import get_notice_for
from safecampus.roster.models import Guardian


@pytest.fixture
def heard(monkeypatch):
    got: list[events.Event] = []

    def listen(sender, event, **kw):
        got.append(event)

    events.domain_event.connect(listen, dispatch_uid="notices-test")
    yield got
    events.domain_event.disconnect(dispatch_uid="notices-test")


def test_head_teacher_sees_and_reminds_once_a_day(
    make_notice, head_teacher, parent, pupil, heard, monkeypatch
):
    n = make_notice()
    klass = pupil.school_class
    _n, st = get_notice_for(head_teacher, n.pk)
    assert [k.pk for k in st.classes] == [klass.pk]
    rows = families.families(n, klass)
    assert len(rows) == Guardian.objects.filter(student__school_class=klass).count() > 1
    assert any(f.parent == parent and f.child == pupil for f in rows)

    other = next(f for f in rows if f.child != pupil)
    receipts.confirm(n, user=other.parent, data={"student_id": other.child.pk})
    waiting = len(rows) - 1
    assert families.remind(n, klass, actor=head_teacher) == waiting
    assert families.remind(n, klass, actor=head_teacher) == 0  # at most once a day
    assert Reminder.objects.filter(notice=n).count() == waiting
    assert (
        Notification.objects.filter(user=parent, dedupe_key__startswith=f"notice:{n.pk}:remind").count() == 1
    )
    reminders = [e for e in heard if e.type == "notice.reminder"]
    assert len(reminders) == 1 and reminders[0].data["families"] == waiting
    assert pupil.name not in json.dumps(reminders[0].data, ensure_ascii=False)
    assert parent.display_name not in json.dumps(reminders[0].data, ensure_ascii=False)

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr("safecampus.notices.families.timezone.localdate", lambda: tomorrow)
    assert families.remind(n, klass, actor=head_teacher) == waiting


def test_publishing_emits_notice_published(make_notice, heard, roster):
    n = make_notice()
    (event,) = [e for e in heard if e.type == "notice.published"]
    assert event.data["id"] == n.pk and event.unit == n.unit


def test_class_list_page_and_remind_button(make_notice, client_for, head_teacher, parent, pupil):
    n = make_notice()
    c = client_for(head_teacher)
    page = c.get(f"/notices/{n.pk}/class/{pupil.school_class_id}/").content.decode()
    assert pupil.name in page and 'id="remind-button"' in page
    resp = c.post(f"/notices/{n.pk}/class/{pupil.school_class_id}/remind/")
    assert resp.status_code == 302
    again = c.get(f"/notices/{n.pk}/class/{pupil.school_class_id}/").content.decode()
    assert "disabled" in again.split('id="remind-button"')[1][:20]


def test_bureaus_and_managers_never_see_family_names(
    make_notice, client_for, api_client_for, county, principal, head_teacher, pupil, parent
):
    n = make_notice()
    receipts.confirm(n, user=parent, data={"student_id": pupil.pk})
    names = set()
    for g in Guardian.objects.filter(student__unit=pupil.unit).select_related("student", "parent"):
        names.update({g.student.name, g.parent.display_name})
    names.discard("")
    klass = pupil.school_class
    for user in (county, principal):
        web, api = client_for(user), api_client_for(user)
        pages = [
            web.get(f"/notices/{n.pk}/"),
            web.get(f"/notices/{n.pk}/board/"),
            web.get(f"/notices/{n.pk}/board/?unit={pupil.unit.code}"),
            web.get(f"/notices/{n.pk}/board/?unit={pupil.unit.code}&grade={klass.grade_id}"),
            web.get(f"/notices/{n.pk}/board/?unit={pupil.unit.code}&class={klass.pk}"),
            api.get(f"/api/v1/notices/{n.pk}/reach?unit={pupil.unit.code}&class={klass.pk}"),
            api.get(f"/api/v1/notices/{n.pk}/reach/children?unit={pupil.unit.code}&grade={klass.grade_id}"),
            api.get(f"/api/v1/notices/{n.pk}"),
        ]
        for resp in pages:
            assert resp.status_code == 200, resp.content[:300]
            text = (
                json.dumps(resp.json(), ensure_ascii=False)
                if "json" in resp["Content-Type"]
                else resp.content.decode()
            )
            leaked = [name for name in names if name in text]
            assert not leaked, (user.username, resp.wsgi_request.path, leaked)
        assert web.get(f"/notices/{n.pk}/class/{klass.pk}/").status_code == 404
        assert api.get(f"/api/v1/notices/{n.pk}/families?class={klass.pk}").status_code == 404
        assert (
            api.post(
                f"/api/v1/notices/{n.pk}/remind", data={"class": klass.pk}, content_type="application/json"
            ).status_code
            == 404
        )
    api = api_client_for(head_teacher)
    listed = api.get(f"/api/v1/notices/{n.pk}/classes/{klass.pk}/families").json()
    assert {f["child"] for f in listed} >= {pupil.name}
    assert [f["confirmed_at"] is not None for f in listed if f["student_id"] == pupil.pk] == [True]
