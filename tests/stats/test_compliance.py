"""Training compliance: staff hours against the policy by role, students behind, reminders once per
week, the per-person annual record and its export, and who may see them (outsiders get 404)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safecampus.accounts.models import User
from safecampus.accounts.services import create_user
from safecampus.core.models import AuditEvent, SchoolType, Unit, UnitKind
from safecampus.core.policy import load_policy
from safecampus.core.roles import Role
from safecampus.core.services import create_unit
from safecampus.inbox.models import Notification, NotificationKind
from safecampus.roster.models import Guardian, StaffPost
from safecampus.training.class_services import assign_lessons
from safecampus.training.progress_models import LearningDay
from safecampus.training_stats import compliance, reminders
from safecampus.training_stats.access import Place

MID_YEAR = dt.date(2026, 7, 2)  # day 183 of 365: half of a target is expected


def learn(user: User, lesson, day: dt.date, hours: float, unit: Unit) -> None:
    LearningDay.objects.create(
        learner=user, lesson=lesson, course=lesson.course, audience="staff", day=day,
        credited_s=hours * 3600, unit=unit, unit_path=unit.path,
    )  # fmt: skip


def rows_by_user(place: Place, year: int = 2026, today: dt.date = MID_YEAR) -> dict[str, compliance.StaffRow]:
    return {r.username: r for r in compliance.staff_rows(place, year, today=today)}


@pytest.fixture
def behind_class(pupils, head_teacher, video, article):
    """三年级1班 with two lessons assigned and both overdue: every pupil is behind."""
    klass = pupils[0].school_class
    start = timezone.localdate() - dt.timedelta(days=30)
    assign_lessons(klass, [video, article], actor=head_teacher, start_on=start)
    return klass


# -- hours per role against the policy ---------------------------------------------------------
def test_hours_and_targets_by_role(school, principal, video):
    safety = User.objects.get(username="demo_safety")
    learn(principal, video, dt.date(2026, 3, 1), 10, school)
    learn(principal, video, dt.date(2026, 6, 30), 3, school)
    learn(principal, video, dt.date(2025, 12, 31), 50, school)  # another year: not counted
    learn(safety, video, dt.date(2026, 5, 1), 15.5, school)
    rows = rows_by_user(Place(school))
    p, s, t = rows["demo_principal"], rows["demo_safety"], rows["demo_teacher"]
    assert (p.requirement.key, p.target, p.hours) == ("main_person_in_charge", 24, 13)
    assert p.expected == pytest.approx(24 * 183 / 365, abs=0.01) and not p.behind  # 13 ≥ 12.03
    assert (s.requirement.key, s.target, s.hours) == ("full_time_safety_staff", 32, 15.5)
    assert s.behind  # 15.5 < 16.04
    assert t.requirement is None and t.target is None and not t.behind  # listed, no target
    assert {"demo_guard", "demo_doctor", "demo_counsellor", "demo_schooladmin"} <= set(rows)
    # A past year needs the whole target.
    assert rows_by_user(Place(school), 2026, dt.date(2027, 1, 5))["demo_principal"].behind


def test_new_school_principal_needs_forty_hours(school, principal, operator, video):
    load_policy(school, {"training": {"new_school": True}}, actor=operator, version="new",
                effective_from=dt.date(2026, 1, 1))  # fmt: skip
    learn(principal, video, dt.date(2026, 2, 1), 15, school)
    row = rows_by_user(Place(school))["demo_principal"]
    assert (row.requirement.key, row.target) == ("principal_new_school", 40)
    assert row.behind  # 15 < 20.05
    # The neighbouring school keeps 24 h.
    other = Unit.objects.get(code="demo-c1-k1-s2")
    assert compliance.requirement({Role.PRINCIPAL}, set(), other, compliance.policy_for(other)).hours == 24


def test_university_security_head_needs_forty_hours(county, operator, county_unit):
    uni = create_unit(county_unit, actor=county, code="demo-c1-k1-u1", name="东港学院",
                      kind=UnitKind.SCHOOL, school_type=SchoolType.UNIVERSITY)  # fmt: skip
    head, _pw = create_user(
        actor=operator, unit=uni, role=Role.SAFETY_STAFF, username="uni_head", name="保卫处长"
    )
    _staff, _pw = create_user(
        actor=operator, unit=uni, role=Role.SAFETY_STAFF, username="uni_safety", name="干事"
    )
    StaffPost.objects.create(
        user=head, unit=uni, unit_path=uni.path, post="保卫处处长", role=Role.SAFETY_STAFF
    )
    rows = rows_by_user(Place(uni))
    assert (rows["uni_head"].requirement.key, rows["uni_head"].target) == ("university_security_head", 40)
    assert (rows["uni_safety"].requirement.key, rows["uni_safety"].target) == ("full_time_safety_staff", 32)


# -- pages: behind lists and counts per child unit ---------------------------------------------
def test_county_page_lists_staff_and_students_behind(client_for, county, behind_class, pupils):
    resp = client_for(county).get("/training/compliance/?unit=demo-c1-k1")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "王建国" in html and "李明华" in html  # principal and safety staff: no hours yet
    assert "张丽" not in html  # a head teacher has no hours target: not behind
    for s in pupils:
        assert s.name in html
    rep = resp.context["rep"]
    s1 = next(c for c in rep.children if c.params == {"unit": "demo-c1-k1-s1"})
    assert (s1.staff_behind, s1.students, s1.students_behind) == (2, 4, 4)
    assert all(c.students == 0 for c in rep.children if c is not s1)


def test_school_page_lists_every_staff_member_and_grades(client_for, principal, behind_class):
    resp = client_for(principal).get("/training/compliance/?unit=demo-c1-k1-s1")
    html = resp.content.decode()
    assert resp.status_code == 200 and "赵铁柱" in html and "no target" in html  # the guard, listed
    assert [c.name for c in resp.context["rep"].children] == ["三年级"]


def test_head_teacher_sees_their_class_only(client_for, head_teacher, behind_class, pupils):
    c = client_for(head_teacher)
    resp = c.get("/training/compliance/")  # no unit: their first class
    assert resp.status_code == 200 and resp.context["place"].school_class == behind_class
    assert resp.context["students_behind_count"] == 4 and "王建国" not in resp.content.decode()
    assert c.get("/training/compliance/?unit=demo-c1-k1-s1").status_code == 404
    assert c.get(f"/training/compliance/?unit=demo-c1-k1-s1&class={behind_class.pk}").status_code == 200


def test_compliance_export_has_every_sheet(client_for, county, behind_class):
    resp = client_for(county).get("/training/compliance/export.xlsx?unit=demo-c1-k1&year=2026")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    assert book.sheetnames == ["Staff", "Students behind", "By unit"]
    names = [row[1] for row in book["Staff"].iter_rows(min_row=2, values_only=True)]
    assert "王建国" in names
    assert book["Students behind"].max_row == 5


# -- reminders: once per period ----------------------------------------------------------------
def test_reminders_go_once_a_week_to_people_and_managers(
    school, principal, head_teacher, behind_class, pupils
):
    today = timezone.localdate()
    sent = reminders.remind_behind(school, None, today=today)
    assert (sent.staff_behind, sent.students_behind) == (2, 4)
    safety = User.objects.get(username="demo_safety")
    mine = Notification.objects.filter(user=principal)
    assert set(mine.values_list("kind", flat=True)) == {
        NotificationKind.TRAINING_BEHIND,
        NotificationKind.TRAINING_DIGEST,
    }
    assert Notification.objects.filter(user=safety, kind=NotificationKind.TRAINING_DIGEST).count() == 1
    assert Notification.objects.filter(user=head_teacher, kind=NotificationKind.TRAINING_DIGEST).count() == 1
    for s in pupils:
        assert Notification.objects.filter(user=s.user, kind=NotificationKind.TRAINING_BEHIND).count() == 1
        parents = Guardian.objects.filter(student=s).values_list("parent", flat=True)
        assert Notification.objects.filter(
            user__in=parents, kind=NotificationKind.CHILD_TRAINING
        ).count() == len(parents)
    here = Notification.objects.filter(unit=school).count()
    assert sent.notifications == here == Notification.objects.count()
    # Running again in the same week sends nothing new (the weekly job reaches the other schools
    # once); the next week it does again.
    assert reminders.remind_behind(school, None, today=today).notifications == 0
    reminders.remind_all(today=today)
    assert Notification.objects.filter(unit=school).count() == here
    total = Notification.objects.count()
    assert reminders.remind_all(today=today) == 0 and Notification.objects.count() == total
    assert reminders.remind_behind(school, None, today=today + dt.timedelta(days=7)).notifications == here


def test_reminder_text_is_rendered_in_the_readers_language(school, principal, behind_class):
    reminders.remind_behind(school, None)
    note = Notification.objects.get(user=principal, kind=NotificationKind.TRAINING_DIGEST)
    assert note.title == "%(count)s staff members of %(school)s are behind on training hours"
    assert note.title_text == f"2 staff members of {school.name} are behind on training hours"
    assert note.link == "/training/compliance/?unit=demo-c1-k1-s1"


def test_send_reminders_button_is_checked_and_audited(client_for, principal, head_teacher, outsider_principal,
                                                      behind_class):  # fmt: skip
    resp = client_for(principal).post("/training/compliance/remind/", {"unit": "demo-c1-k1-s1"})
    assert resp.status_code == 302 and Notification.objects.exists()
    event = AuditEvent.objects.filter(verb="training.reminders_sent").first()
    assert event.actor == principal and event.after["students_behind"] == 4
    # Again: nothing new, still traced.
    client_for(principal).post("/training/compliance/remind/", {"unit": "demo-c1-k1-s1"})
    assert AuditEvent.objects.filter(verb="training.reminders_sent").first().after["notifications"] == 0
    # A head teacher reminds their class, not the school; an outsider nothing.
    ht = client_for(head_teacher)
    assert ht.post("/training/compliance/remind/", {"unit": "demo-c1-k1-s1"}).status_code == 404
    assert ht.post("/training/compliance/remind/",
                   {"unit": "demo-c1-k1-s1", "class": behind_class.pk}).status_code == 302  # fmt: skip
    before = Notification.objects.count()
    resp = client_for(outsider_principal).post("/training/compliance/remind/", {"unit": "demo-c1-k1-s1"})
    assert resp.status_code == 404 and Notification.objects.count() == before


# -- the annual record -------------------------------------------------------------------------
def test_person_record_by_month_and_course_with_export(client_for, principal, school, video, article):
    learn(principal, video, dt.date(2026, 3, 4), 2, school)
    learn(principal, article, dt.date(2026, 3, 20), 1.5, school)
    learn(principal, video, dt.date(2026, 9, 1), 4, school)
    c = client_for(principal)
    resp = c.get(f"/training/compliance/person/{principal.pk}/?year=2026")
    assert resp.status_code == 200
    record = resp.context["record"]
    assert record.months[2] == 3.5 and record.months[8] == 4 and record.hours == 7.5
    assert [line.hours for line in record.courses] == [7.5] and record.requirement.hours == 24
    export = c.get(f"/training/compliance/person/{principal.pk}/export.xlsx?year=2026")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert book.sheetnames == ["Summary", "By month", "By course", "Certificates", "Quizzes"]
    assert ("Hours", 7.5) in [tuple(r) for r in book["Summary"].iter_rows(values_only=True)]
    assert (
        c.get(f"/training/compliance/person/{principal.pk}/?year=1999").status_code == 200
    )  # message, this year


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("demo_principal", 200), ("demo_schooladmin", 200), ("demo_county", 200), ("demo_city", 200),
     ("demo_teacher", 404), ("demo_county2", 404), ("demo_principal2", 404)],
)  # fmt: skip
def test_staff_record_visibility(client_for, demo, viewer, status):
    principal = User.objects.get(username="demo_principal")
    c = client_for(User.objects.get(username=viewer))
    assert c.get(f"/training/compliance/person/{principal.pk}/").status_code == status
    assert c.get(f"/training/compliance/person/{principal.pk}/export.xlsx").status_code == status


def test_student_record_for_self_head_teacher_school_and_county_only(
    client_for, pupil, head_teacher, principal, county, outsider, outsider_principal
):
    url = f"/training/compliance/person/{pupil.pk}/"
    User.objects.filter(pk=pupil.pk).update(must_change_password=False)  # past the first sign-in
    for user in (pupil, head_teacher, principal, county):
        assert client_for(user).get(url).status_code == 200, user
    for user in (outsider, outsider_principal):
        assert client_for(user).get(url).status_code == 404, user
    assert client_for(pupil).get("/training/compliance/person/999999/").status_code == 404


@pytest.mark.parametrize("username", ["demo_county2", "demo_principal2"])
def test_outsiders_get_404_on_the_countys_pages_and_exports(client_for, behind_class, username):
    c = client_for(User.objects.get(username=username))
    for url in (
        "/training/compliance/?unit=demo-c1-k1",
        "/training/compliance/?unit=demo-c1-k1-s1",
        f"/training/compliance/?unit=demo-c1-k1-s1&class={behind_class.pk}",
        "/training/compliance/export.xlsx?unit=demo-c1-k1",
        f"/training/compliance/export.xlsx?unit=demo-c1-k1-s1&class={behind_class.pk}",
        "/training/compliance/?unit=demo-c1-k1&class=abc",
    ):
        assert c.get(url).status_code == 404, url
    own = c.get("/training/compliance/")
    assert own.status_code == 200 and "王建国" not in own.content.decode()


def test_a_parent_reads_their_childs_record_and_no_other(client_for, pupils, parent_of_pupil):
    from safecampus.roster.models import Guardian

    from ..training.learn_helpers import ready

    ready(parent_of_pupil)
    own, other = pupils[0].user, pupils[1].user
    assert client_for(parent_of_pupil).get(f"/training/compliance/person/{own.pk}/").status_code == 200
    assert not Guardian.objects.filter(student=pupils[1], parent=parent_of_pupil).exists()
    assert client_for(parent_of_pupil).get(f"/training/compliance/person/{other.pk}/").status_code == 404
