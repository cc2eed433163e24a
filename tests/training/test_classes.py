"""Class work: lessons on the cadence, who is behind, classroom sessions credited once, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import AuditEvent, Membership, Unit
from safecampus.core.roles import Perm, Role
from safecampus.roster.models import SchoolClass, Student, StudentStatus
from safecampus.training import content
from safecampus.training.class_models import ClassAssignment, ClassroomAttendance, ClassroomSession
from safecampus.training.class_queries import class_board, lessons_for_class
from safecampus.training.class_services import (
    NO_ACCOUNT,
    NOT_ENROLLED,
    NOT_IN_CLASS,
    assign_lessons,
    cancel_session,
    finish_session,
    start_session,
    unassign_lesson,
)
from safecampus.training.learner import learner_of
from safecampus.training.models import Audience, LessonKind
from safecampus.training.progress import ProgressBook
from safecampus.training.progress_models import LearnerClock, LearningDay, LessonProgress

from ..roster.schoolyear_setup import import_rows

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def klass(pupils):
    return pupils[0].school_class


@pytest.fixture
def third(course, operator):
    """A third lesson of the course (an article of 3 minutes)."""
    return content.create_lesson(
        course, actor=operator, kind=LessonKind.ARTICLE, title="想一想", body_html="<p>想一想</p>",
        duration_s=180, order=2,
    )  # fmt: skip


@pytest.fixture
def other_head_teacher(demo, operator):
    """Head teacher of 四年级1班 at the same school."""
    school = Unit.objects.get(code="demo-c1-k1-s1")
    other_class = import_rows(school, operator, "四年级", 1)[0].school_class
    user = User.objects.create_user("ht_other", "Demo@2026", name="别班老师")
    Membership.objects.create(user=user, unit=school, role=Role.HEAD_TEACHER)
    other_class.head_teacher = user
    other_class.save(update_fields=["head_teacher"])
    return user


def learned(user, lesson, seconds: float, *, completed_on: dt.date | None = None) -> LessonProgress:
    """Progress made for the test: `seconds` credited, completed on a given day if asked."""
    book = ProgressBook(learner_of(user))
    row = book.lesson_row(lesson, Audience.STUDENT)
    book.add_raw(row, seconds, timezone.now(), classroom=True)
    book.flush()
    if completed_on is not None:
        at = timezone.make_aware(dt.datetime.combine(completed_on, dt.time(10)))
        LessonProgress.objects.filter(pk=row.pk).update(completed_at=at)
    else:
        LessonProgress.objects.filter(pk=row.pk).update(completed_at=None)
    return row


# -- assigning on the cadence ------------------------------------------------------------------
def test_lessons_are_scheduled_on_the_policy_cadence(klass, head_teacher, video, article, third):
    created = assign_lessons(klass, [video, article], actor=head_teacher, start_on=TODAY)
    assert [(a.lesson, a.due_on) for a in created] == [
        (video, TODAY + dt.timedelta(days=14)),
        (article, TODAY + dt.timedelta(days=28)),
    ]
    assert AuditEvent.objects.filter(verb="training.lessons_assigned", target_id=str(klass.pk)).count() == 1
    # Assigning again skips what is assigned (it keeps its date); the new one starts the cadence anew.
    later = TODAY + dt.timedelta(days=28)
    again = assign_lessons(klass, [article, third, video], actor=head_teacher, start_on=later.isoformat())
    assert [(a.lesson, a.due_on) for a in again] == [(third, later + dt.timedelta(days=14))]
    dues = dict(ClassAssignment.objects.filter(school_class=klass).values_list("lesson_id", "due_on"))
    assert dues == {
        video.pk: TODAY + dt.timedelta(days=14),
        article.pk: TODAY + dt.timedelta(days=28),
        third.pk: TODAY + dt.timedelta(days=42),
    }
    assert assign_lessons(klass, [video], actor=head_teacher, start_on=TODAY) == []
    unassign_lesson(klass, article, actor=head_teacher)
    assert not ClassAssignment.objects.filter(school_class=klass, lesson=article).exists()
    assert AuditEvent.objects.filter(verb="training.lesson_unassigned").count() == 1
    with pytest.raises(Invalid):
        unassign_lesson(klass, article, actor=head_teacher)


def test_only_lessons_offered_to_the_class_can_be_assigned(klass, head_teacher, operator, campaign, video):
    junior = content.create_course(
        campaign, campaign.unit, actor=operator, title="初中课程", audiences=[Audience.STUDENT],
        grade_min=7, grade_max=9, stage=1, theme="drowning",
    )  # fmt: skip
    junior_lesson = content.create_lesson(
        junior, actor=operator, kind=LessonKind.ARTICLE, title="初中课", body_html="<p>x</p>", duration_s=60
    )
    content.change_course_status(junior, "publish", actor=operator)
    staff = content.create_course(
        campaign, campaign.unit, actor=operator, title="教师课程", audiences=[Audience.STAFF], stage=1
    )
    staff_lesson = content.create_lesson(
        staff, actor=operator, kind=LessonKind.ARTICLE, title="教师课", body_html="<p>x</p>", duration_s=60
    )
    content.change_course_status(staff, "publish", actor=operator)
    offered = lessons_for_class(klass)
    assert video in offered and junior_lesson not in offered and staff_lesson not in offered
    for lesson in (junior_lesson, staff_lesson):
        with pytest.raises(Invalid):
            assign_lessons(klass, [video, lesson], actor=head_teacher, start_on=TODAY)
    assert not ClassAssignment.objects.exists()  # all or nothing
    with pytest.raises(Invalid):
        assign_lessons(klass, [], actor=head_teacher, start_on=TODAY)
    with pytest.raises(Invalid):
        assign_lessons(klass, [video], actor=head_teacher, start_on="next monday")
    with pytest.raises(Invalid):
        assign_lessons(klass, [video], actor=head_teacher, start_on=TODAY + dt.timedelta(days=900))
    assert not ClassAssignment.objects.exists()


# -- who is behind -----------------------------------------------------------------------------
def test_behind_detection_with_a_frozen_today(klass, pupils, head_teacher, video, article):
    start = TODAY
    assign_lessons(klass, [video, article], actor=head_teacher, start_on=start)  # due +14, +28
    day = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    p0, p1, p2, p3 = (s.user for s in pupils)
    learned(p0, video, 60, completed_on=day(10))
    learned(p1, video, 45)  # 45 s of 60: in progress
    learned(p3, video, 60, completed_on=day(5))
    learned(p3, article, 120, completed_on=day(6))

    def behind(n: int) -> dict[str, tuple[int, bool]]:
        board = class_board(head_teacher, klass, today=day(n))
        return {r.student.user_id: (r.overdue, r.idle) for r in board.rows if r.behind}

    assert behind(13) == {}  # nothing due yet
    assert behind(14) == {p1.pk: (0, True), p2.pk: (0, True)}  # due today, nothing done in 14 days
    assert behind(15) == {p1.pk: (1, True), p2.pk: (1, True)}  # the video is past due
    # p0 finished the video on day 10 and the article is not due yet: up to date, not behind
    # (working ahead is not falling behind); p3 has done everything assigned.
    assert behind(25) == {p1.pk: (1, True), p2.pk: (1, True)}
    assert behind(29) == {p0.pk: (1, True), p1.pk: (2, True), p2.pk: (2, True)}
    assert behind(50) == {
        p0.pk: (1, False),
        p1.pk: (2, False),
        p2.pk: (2, False),
    }  # no longer idle: nothing fell due

    board = class_board(head_teacher, klass, today=day(15))
    cells = {r.student.user_id: r.cells for r in board.rows}
    assert [c.state for c in cells[p0.pk]] == ["done", "none"]
    assert cells[p0.pk][0].completed_on == day(10)
    assert cells[p1.pk][0].state == "started" and cells[p1.pk][0].overdue
    assert [c.state for c in cells[p3.pk]] == ["done", "done"]
    last = {r.student.user_id: r.last_completed_on for r in board.rows}
    assert last == {p0.pk: day(10), p1.pk: None, p2.pk: None, p3.pk: day(6)}
    assert board.done_rate == 50  # 2 of 4 have done the one lesson due


def test_the_class_page_lists_who_is_behind_and_filters(client_for, klass, pupils, head_teacher, video):
    assign_lessons(klass, [video], actor=head_teacher, start_on=TODAY - dt.timedelta(days=20))  # overdue
    learned(pupils[0].user, video, 60, completed_on=TODAY)
    c = client_for(head_teacher)
    body = c.get(f"/training/classes/{klass.pk}/").content.decode()
    assert 'id="behind-list"' in body
    for s in pupils[1:]:
        assert s.name in body
    behind = c.get(f"/training/classes/{klass.pk}/?show=behind").context["rows"]
    assert {r.student.pk for r in behind} == {s.pk for s in pupils[1:]}
    on_track = c.get(f"/training/classes/{klass.pk}/?show=on_track").context["rows"]
    assert [r.student.pk for r in on_track] == [pupils[0].pk]
    named = c.get(f"/training/classes/{klass.pk}/", {"q": pupils[2].name}).context["rows"]
    # Generated names may repeat: the search finds every pupil of that name and no one else.
    assert sorted(r.student.pk for r in named) == sorted(s.pk for s in pupils if s.name == pupils[2].name)
    assert c.get(f"/training/classes/{klass.pk}/?show=nonsense").status_code == 200
    listing = c.get("/training/classes/").content.decode()
    assert str(klass) in listing and "3 behind" in listing


def test_class_page_queries_do_not_grow_with_students(
    client_for, klass, pupils, head_teacher, operator, video, article, django_assert_max_num_queries
):
    assign_lessons(klass, [video, article], actor=head_teacher, start_on=TODAY - dt.timedelta(days=20))
    for s in pupils[:2]:
        learned(s.user, video, 60, completed_on=TODAY)
    c = client_for(head_teacher)
    url = f"/training/classes/{klass.pk}/"
    c.get(url)  # warm caches (sessions, policy)
    with django_assert_max_num_queries(18) as few:
        assert c.get(url).status_code == 200
    school = Unit.objects.get(code="demo-c1-k1-s1")
    more = import_rows(school, operator, "三年级", 8)
    assert {s.school_class_id for s in more} == {klass.pk}
    for s in more[:5]:
        learned(s.user, article, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = c.get(url)
    assert len(resp.context["board"].rows) == 12
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert c.get("/training/classes/").status_code == 200


# -- classroom mode ----------------------------------------------------------------------------
def _ran(session: ClassroomSession, seconds: int) -> None:
    """The session started `seconds` ago (time passes without sleeping)."""
    started = timezone.now() - dt.timedelta(seconds=seconds)
    ClassroomSession.objects.filter(pk=session.pk).update(started_at=started)
    session.started_at = started


def test_classroom_credits_each_present_student_exactly_once(klass, pupils, head_teacher, article):
    session = start_session(klass, article, actor=head_teacher)
    assert session.status == "open" and session.teacher == head_teacher
    assert start_session(klass, article, actor=head_teacher).pk == session.pk  # a double click
    _ran(session, 100)
    present = [s.pk for s in pupils[:3]]  # pupils[3] is absent
    result = finish_session(session, actor=head_teacher, present_student_ids=[str(i) for i in present])
    assert {s.pk for s in result.credited} == set(present) and not result.skipped
    session.refresh_from_db()
    assert session.status == "closed" and 100 <= session.credited_s < 102
    for s in pupils[:3]:
        row = LessonProgress.objects.get(learner=s.user, lesson=article)
        assert row.classroom_s == session.credited_s and row.raw_s == 0
        assert row.credited_s == session.credited_s and row.completed_at is None  # 100 of 120 s
        assert LearnerClock.objects.filter(learner=s.user).exists()
    assert not LessonProgress.objects.filter(learner=pupils[3].user).exists()  # absent: nothing
    assert sum(
        LearningDay.objects.filter(lesson=article).values_list("credited_s", flat=True)
    ) == pytest.approx(3 * session.credited_s)
    before = list(LessonProgress.objects.order_by("pk").values_list("pk", "classroom_s", "credited_s"))
    for again in (present, [s.pk for s in pupils]):  # finished twice, even with everyone ticked
        with pytest.raises(Conflict):
            finish_session(session, actor=head_teacher, present_student_ids=again)
    assert (
        list(LessonProgress.objects.order_by("pk").values_list("pk", "classroom_s", "credited_s")) == before
    )
    assert ClassroomAttendance.objects.filter(session=session).count() == 3
    assert AuditEvent.objects.filter(verb="training.classroom_finished").count() == 1
    assert AuditEvent.objects.filter(verb="training.classroom_started").count() == 1


def test_classroom_credit_is_capped_and_completes_the_lesson(klass, pupils, head_teacher, video, article):
    session = start_session(klass, video, actor=head_teacher)
    with pytest.raises(Conflict):
        start_session(klass, article, actor=head_teacher)  # one lesson at a time in a class
    _ran(session, 45 * 60)  # left playing for 45 minutes
    finish_session(session, actor=head_teacher, present_student_ids=[pupils[0].pk])
    session.refresh_from_db()
    assert session.credited_s == video.duration_s
    row = LessonProgress.objects.get(learner=pupils[0].user, lesson=video)
    assert row.credited_s == 60 and row.completed_at is not None


def test_students_without_account_or_not_enrolled_are_skipped_and_reported(
    klass, pupils, head_teacher, outsider_pupil, article
):
    Student.objects.filter(pk=pupils[1].pk).update(user=None)
    Student.objects.filter(pk=pupils[2].pk).update(status=StudentStatus.TRANSFERRED)
    stranger = Student.objects.get(user=outsider_pupil)
    session = start_session(klass, article, actor=head_teacher)
    _ran(session, 60)
    with pytest.raises(Invalid):
        finish_session(session, actor=head_teacher, present_student_ids=["1", "x"])
    session.refresh_from_db()
    assert session.status == "open"  # bad input changes nothing
    ids = [s.pk for s in pupils] + [stranger.pk]
    result = finish_session(session, actor=head_teacher, present_student_ids=ids)
    assert {s.pk for s in result.credited} == {pupils[0].pk, pupils[3].pk}
    reasons = {s.student_id: s.reason for s in result.skipped}
    assert reasons == {pupils[1].pk: NO_ACCOUNT, pupils[2].pk: NOT_ENROLLED, stranger.pk: NOT_IN_CLASS}
    attended = set(ClassroomAttendance.objects.filter(session=session).values_list("student_id", flat=True))
    assert attended == {pupils[0].pk, pupils[1].pk, pupils[3].pk}
    assert not LessonProgress.objects.filter(learner__in=[pupils[2].user, outsider_pupil]).exists()


def test_cancelled_session_credits_nobody(klass, pupils, head_teacher, article):
    session = start_session(klass, article, actor=head_teacher)
    _ran(session, 90)
    cancel_session(session, actor=head_teacher)
    with pytest.raises(Conflict):
        finish_session(session, actor=head_teacher, present_student_ids=[pupils[0].pk])
    assert not LessonProgress.objects.exists()


def test_classroom_pages_finish_once_even_when_posted_twice(client_for, klass, pupils, head_teacher, article):
    c = client_for(head_teacher)
    resp = c.post(f"/training/classes/{klass.pk}/classroom/", {"lesson": article.pk})
    session = ClassroomSession.objects.get(school_class=klass)
    assert resp.status_code == 302 and resp["Location"].endswith(f"/classroom/{session.pk}/")
    page = c.get(resp["Location"])
    assert page.status_code == 200 and page.content.decode().count('name="present"') == 4
    _ran(session, 30)
    finish = f"/training/classes/{klass.pk}/classroom/{session.pk}/finish/"
    data = {"present": [pupils[0].pk, pupils[1].pk]}
    first = c.post(finish, data, follow=True)
    second = c.post(finish, data, follow=True)
    assert first.status_code == second.status_code == 200
    assert "already finished" in second.content.decode()
    rows = LessonProgress.objects.filter(lesson=article)
    assert rows.count() == 2 and all(29 <= r.classroom_s <= 32 for r in rows)
    summary = c.get(f"/training/classes/{klass.pk}/classroom/{session.pk}/")
    assert [s.pk for s in summary.context["present"]] == sorted(
        [pupils[0].pk, pupils[1].pk], key=lambda pk: Student.objects.get(pk=pk).name
    )
    assert {s.pk for s in summary.context["absent"]} == {pupils[2].pk, pupils[3].pk}
    assert c.post(f"/training/classes/{klass.pk}/classroom/", {"lesson": "999999"}).status_code == 302
    assert not ClassroomSession.objects.filter(status="open").exists()


def test_the_player_renders_each_kind_of_lesson(
    client_for, klass, head_teacher, video, article, settings, tmp_path
):
    c = client_for(head_teacher)
    for lesson in (video, article):
        c.post(f"/training/classes/{klass.pk}/classroom/", {"lesson": lesson.pk})
        session = ClassroomSession.objects.get(school_class=klass, status="open")
        body = c.get(f"/training/classes/{klass.pk}/classroom/{session.pk}/").content.decode()
        if lesson.kind == LessonKind.VIDEO:
            assert "<video" in body
        else:
            assert "防溺水" in body and "<script>alert" not in body
        cancel_session(session, actor=head_teacher)


# -- who may -----------------------------------------------------------------------------------
def test_pages_for_the_head_teacher_and_the_school(client_for, klass, head_teacher, principal, county, video):
    for user in (head_teacher, principal, county):
        c = client_for(user)
        assert klass in SchoolClass.objects.visible_to(user, Perm.VIEW_TRAINING)
        assert c.get("/training/classes/").status_code == 200
        assert c.get(f"/training/classes/{klass.pk}/").status_code == 200
    assert client_for(principal).get(f"/training/classes/{klass.pk}/assign/").status_code == 200
    # The county follows the class but does not set its work.
    assert client_for(county).get(f"/training/classes/{klass.pk}/assign/").status_code == 403
    with pytest.raises(PermissionDenied):
        assign_lessons(klass, [video], actor=county, start_on=TODAY)
    c = client_for(head_teacher)
    assert c.get(f"/training/classes/{klass.pk}/assign/").status_code == 200
    resp = c.post(
        f"/training/classes/{klass.pk}/assign/", {"start_on": TODAY.isoformat(), "lessons": [video.pk]}
    )
    assert resp.status_code == 302
    assert ClassAssignment.objects.get(school_class=klass).due_on == TODAY + dt.timedelta(days=14)
    bad = c.post(f"/training/classes/{klass.pk}/assign/", {"start_on": "2026-13-45", "lessons": ["x"]})
    assert bad.status_code == 200 and bad.context["form"].errors
    resp = c.post(f"/training/classes/{klass.pk}/unassign/", {"lesson": video.pk})
    assert resp.status_code == 302 and not ClassAssignment.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "outsider_principal", "other_head_teacher"])
def test_outsiders_get_404_and_the_services_refuse_them(request, who, klass, pupils, head_teacher, video):
    user = request.getfixturevalue(who)
    session = start_session(klass, video, actor=head_teacher)
    c = request.getfixturevalue("client_for")(user)
    base = f"/training/classes/{klass.pk}/"
    for url in (base, base + "assign/", base + f"classroom/{session.pk}/"):
        assert c.get(url).status_code == 404, url
    for url in (
        base + "assign/",
        base + "unassign/",
        base + "classroom/",
        base + f"classroom/{session.pk}/finish/",
    ):
        assert c.post(url, {"lesson": video.pk, "present": [pupils[0].pk]}).status_code == 404, url
    assert klass not in SchoolClass.objects.visible_to(user, Perm.VIEW_TRAINING)
    assert str(klass) not in c.get("/training/classes/").content.decode()
    for call in (
        lambda: assign_lessons(klass, [video], actor=user, start_on=TODAY),
        lambda: unassign_lesson(klass, video, actor=user),
        lambda: start_session(klass, video, actor=user),
        lambda: finish_session(session, actor=user, present_student_ids=[pupils[0].pk]),
        lambda: cancel_session(session, actor=user),
    ):
        with pytest.raises(PermissionDenied):
            call()
    session.refresh_from_db()
    assert session.status == "open" and not ClassAssignment.objects.exists()


@pytest.mark.parametrize("who", ["pupil", "parent_of_pupil"])
def test_students_and_parents_cannot_open_the_class_page(request, who, klass, client_for):
    user = request.getfixturevalue(who)
    User.objects.filter(pk=user.pk).update(must_change_password=False)  # past the first login
    c = client_for(user)
    assert c.get(f"/training/classes/{klass.pk}/").status_code == 404
    assert str(klass) not in c.get("/training/classes/").content.decode()


def test_class_pages_in_chinese(client_for, klass, head_teacher, video):
    assign_lessons(klass, [video], actor=head_teacher, start_on=TODAY)
    c = client_for(head_teacher)
    c.cookies["django_language"] = "zh-hans"
    for url in (
        "/training/classes/",
        f"/training/classes/{klass.pk}/",
        f"/training/classes/{klass.pk}/assign/",
    ):
        resp = c.get(url)
        assert resp.status_code == 200 and 'lang="zh-hans"' in resp.content.decode(), url
