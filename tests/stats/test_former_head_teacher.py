"""A former head teacher reaches nothing of their old class: one rule (an active head-teacher role
at the school AND the class assigned, `roster.teaching`) decides for pages, API, statistics,
compliance and reminders; revoking the role or disabling the account clears the class links,
with an audit event per class."""

from __future__ import annotations

import pytest

from safecampus.accounts import services as accounts
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.core.roles import Role
from safecampus.roster.models import SchoolClass
from safecampus.roster.teaching import teacher_ids

from ..roster.schoolyear_setup import import_rows
from .test_rollup import watch

pytestmark = pytest.mark.django_db

SCHOOL = "demo-c1-k1-s1"


@pytest.fixture
def learnt(pupils, video):
    watch(pupils[0].user, video, 45)
    return pupils


@pytest.fixture
def still_teacher(head_teacher, school_admin, school):
    """demo_teacher also teaches (a plain teacher role), so they still sign in and see the school."""
    accounts.assign_role(head_teacher, actor=school_admin, unit=school, role=Role.TEACHER)
    return head_teacher


def _class_urls(klass: SchoolClass, campaign) -> list[str]:
    q = f"?unit={SCHOOL}&campaign={campaign.pk}&class={klass.pk}"
    return [
        "/training/stats/" + q,
        "/training/stats/people/" + q,
        "/training/stats/not-started/" + q,
        "/training/stats/export/people.xlsx" + q,
        "/training/stats/summary.pdf" + q,
        f"/training/compliance/?unit={SCHOOL}&class={klass.pk}",
        f"/training/classes/{klass.pk}/",
        f"/roster/classes/{klass.pk}/",
    ]


def _head_teacher_membership(user) -> Membership:
    return Membership.objects.get(user=user, unit__code=SCHOOL, role=Role.HEAD_TEACHER, is_active=True)


def _assert_no_class_data(client, api, klass, campaign, pupils) -> None:
    for url in _class_urls(klass, campaign):
        assert client.get(url).status_code == 404, url
    resp = api.get(f"/api/v1/training/stats?unit={SCHOOL}&campaign={campaign.pk}&class={klass.pk}")
    assert resp.status_code == 404
    students = api.get(f"/api/v1/roster/students?school={SCHOOL}")
    names = {s["name"] for s in students.json()["items"]} if students.status_code == 200 else set()
    assert not names & {p.name for p in pupils}
    mine = client.get("/roster/my-class/")
    assert mine.status_code in (200, 404) and not list(mine.context["classes"] if mine.context else [])
    assert pupils[0].name not in client.get("/training/stats/").content.decode()


def test_head_teacher_reaches_their_class(learnt, campaign, still_teacher, client_for, api_client_for):
    klass = learnt[0].school_class
    c = client_for(still_teacher)
    for url in _class_urls(klass, campaign):
        assert c.get(url).status_code == 200, url
    api = api_client_for(still_teacher)
    stats = api.get(f"/api/v1/training/stats?unit={SCHOOL}&campaign={campaign.pk}&class={klass.pk}")
    assert stats.status_code == 200
    assert teacher_ids(klass) == [still_teacher.pk]


def test_class_row_alone_grants_nothing(learnt, campaign, still_teacher, client_for, api_client_for):
    """The role ended some other way (an old revocation, the admin site): the class row still names
    them, and still nothing of the class is theirs."""
    klass = learnt[0].school_class
    Membership.objects.filter(pk=_head_teacher_membership(still_teacher).pk).update(is_active=False)
    assert SchoolClass.objects.get(pk=klass.pk).head_teacher_id == still_teacher.pk
    _assert_no_class_data(client_for(still_teacher), api_client_for(still_teacher), klass, campaign, learnt)
    assert teacher_ids(klass) == []  # no reminder digests either


def test_revoking_the_role_clears_class_links(
    learnt, campaign, still_teacher, school_admin, operator, client_for, api_client_for
):
    klass = learnt[0].school_class
    other = import_rows(Unit.objects.get(code=SCHOOL), operator, "四年级", 1)[0].school_class
    other.assistants.add(still_teacher)
    accounts.revoke_role(_head_teacher_membership(still_teacher), actor=school_admin)
    klass.refresh_from_db()
    assert klass.head_teacher_id is None
    assert not other.assistants.filter(pk=still_teacher.pk).exists()
    events = AuditEvent.objects.filter(verb="roster.class_teacher_removed", actor=school_admin)
    assert {e.target_id for e in events} == {str(klass.pk), str(other.pk)}
    assert all(e.before["teacher"] == still_teacher.username for e in events)
    _assert_no_class_data(client_for(still_teacher), api_client_for(still_teacher), klass, campaign, learnt)


def test_a_plain_teacher_role_revoked_keeps_the_class(learnt, still_teacher, school_admin):
    klass = learnt[0].school_class
    teacher = Membership.objects.get(user=still_teacher, role=Role.TEACHER, is_active=True)
    accounts.revoke_role(teacher, actor=school_admin)
    klass.refresh_from_db()
    assert klass.head_teacher_id == still_teacher.pk
    assert not AuditEvent.objects.filter(verb="roster.class_teacher_removed").exists()


def test_disabling_the_account_clears_class_links(learnt, head_teacher, school_admin):
    klass = learnt[0].school_class
    accounts.set_user_active(head_teacher, False, actor=school_admin)
    klass.refresh_from_db()
    assert klass.head_teacher_id is None
    assert AuditEvent.objects.filter(verb="roster.class_teacher_removed", target_id=str(klass.pk)).exists()
