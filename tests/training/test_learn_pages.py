"""The learner's pages: home (due for my audience and grade), lesson player (three kinds), quiz
(no answers before submission), children's progress (a parent sees only their own)."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from safecampus.core.models import Unit
from safecampus.training import content, queries
from safecampus.training.models import Audience, Campaign, ContentStatus, Lesson
from safecampus.training.progress_models import AttemptStatus, QuizAttempt

from .learn_helpers import TODAY, complete, document_lesson, learn, other_course, ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """Imported pupils and parents must change their initial password first; these have. Pages in
    Chinese, as the pupils see them (course titles in Chinese)."""

    def make(user):
        client = client_for(ready(user))
        client.cookies["django_language"] = "zh-hans"
        return client

    return make


@pytest.fixture
def on_stage_one(monkeypatch):
    monkeypatch.setattr(queries, "local_today", lambda: TODAY)


@pytest.fixture
def other_courses(campaign, operator, course):
    return {
        "staff": other_course(campaign, operator, "教职工安全职责", audiences=[Audience.STAFF]),
        "middle": other_course(campaign, operator, "初中生网络安全", grade_min=7, grade_max=9),
        "parents": other_course(campaign, operator, "家长监护责任", audiences=[Audience.PARENT]),
        "secondary": other_course(campaign, operator, "中学实验室安全", school_types=["junior"]),
        "draft": content.create_course(
            campaign, campaign.unit, actor=operator, title="草稿课程", audiences=[Audience.STUDENT]
        ),
    }


def player_config(html: str) -> dict:
    match = re.search(r'<script id="player-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the lesson page carries the player's configuration"
    return json.loads(match[1])


# -- home ---------------------------------------------------------------------------------------
def test_home_lists_what_is_due_for_the_pupil_only(client_for, pupil, course, other_courses, on_stage_one):
    resp = client_for(pupil).get("/training/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert course.title in html
    for key in ("staff", "middle", "parents", "secondary", "draft"):
        assert other_courses[key].title not in html, key
    home = resp.context["home"]
    assert [c.course for c in home.due] == [course]
    assert home.continue_card.course == course
    video = course.lessons.order_by("order").first()
    assert f'href="/training/lessons/{video.pk}/" id="continue-button"' in html


def test_home_of_a_parent_lists_parent_courses_and_links_the_children(
    client_for, parent_of_pupil, course, other_courses, on_stage_one
):
    html = client_for(parent_of_pupil).get("/training/").content.decode()
    assert course.title in html and other_courses["parents"].title in html
    assert other_courses["staff"].title not in html and other_courses["middle"].title not in html
    assert "/training/children/" in html


def test_stages_by_date_make_courses_due_overdue_or_upcoming(pupil, course, campaign, operator):
    content.save_stage(campaign, actor=operator, number=2, title="第二阶段", starts_on="2027-01-01",
                       ends_on="2027-06-30", theme_keys=["drowning"])  # fmt: skip
    later = other_course(campaign, operator, "第二阶段课程", stage=2)
    home = queries.home_for(pupil, today=TODAY)
    assert [c.course for c in home.due] == [course] and [c.course for c in home.upcoming] == [later]
    home = queries.home_for(pupil, today=TODAY.replace(year=2027, month=2))
    states = {c.course.pk: c.state for c in home.cards}
    assert states == {course.pk: "overdue", later.pk: "due"}
    assert home.stages[0].number == 2


def test_home_shows_progress_resume_point_and_annual_hours(client_for, pupil, course, video, article):
    learn(pupil, video, 30)
    resp = client_for(pupil).get("/training/")
    home = resp.context["home"]
    card = home.cards[0]
    assert card.credited_s == 30 and card.lessons_done == 0 and card.lessons_total == 2
    assert card.resume == (video, 30.0)
    assert home.year == timezone.localdate().year and round(home.year_hours * 3600) == 30
    html = resp.content.decode()
    assert "0:30" in html  # "at 0:30" on the continue card

    learn(pupil, video, 60, prefix="again")  # the whole video: the next lesson is where to go on
    card = queries.home_for(pupil).cards[0]
    assert card.lessons_done == 1 and card.resume[0] == article


def test_completed_courses_are_listed_as_completed(client_for, pupil, course):
    complete(pupil, course)
    home = client_for(pupil).get("/training/").context["home"]
    assert [c.course for c in home.completed] == [course] and home.due == []
    assert home.completed[0].best_score == 100


# -- lesson player ---------------------------------------------------------------------------------
def test_video_lesson_page_resumes_and_knows_the_furthest_point(client_for, pupil, video):
    learn(pupil, video, 30)
    resp = client_for(pupil).get(f"/training/lessons/{video.pk}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "<video" in html and "playsinline" in html and 'id="lesson-video"' in html
    config = player_config(html)
    assert config["lesson"] == video.pk and config["kind"] == "video"
    assert config["start_s"] == 30 and config["furthest_s"] == 30 and config["credited_s"] == 30
    assert config["required_s"] == 54  # 90 % of 60 s (policy)
    assert config["endpoint"] == "/training/beats" and config["csrf"]
    assert "/static/training/player.js" in html


def test_article_lesson_page_shows_the_sanitised_text(client_for, pupil, article):
    html = client_for(pupil).get(f"/training/lessons/{article.pk}/").content.decode()
    assert "防溺水“六不”" in html and "不私自下水游泳" in html
    assert "<script>alert" not in html and "alert(1)" not in html
    assert player_config(html)["kind"] == "article"


def test_document_lesson_page_embeds_the_pdf(client_for, pupil, course, operator):
    document = document_lesson(course, operator)
    html = client_for(pupil).get(f"/training/lessons/{document.pk}/").content.decode()
    assert '<iframe id="lesson-document"' in html
    assert "2 pages" in html or "2 页" in html
    assert player_config(html)["kind"] == "document"


def test_lessons_not_for_the_learner_are_404(
    client_for, pupil, outsider_pupil, course, other_courses, operator
):
    staff_lesson = other_courses["staff"].lessons.first()
    draft_lesson = content.create_lesson(other_courses["draft"], actor=operator, kind="article", title="草稿",
                                         body_html="<p>草稿</p>", duration_s=60)  # fmt: skip
    c = client_for(pupil)
    assert c.get(f"/training/lessons/{staff_lesson.pk}/").status_code == 404
    assert c.get(f"/training/lessons/{draft_lesson.pk}/").status_code == 404
    assert c.get("/training/lessons/999999/").status_code == 404
    # A course of one school is not offered to a pupil of another.
    school = Unit.objects.get(code="demo-c1-k1-s1")
    own = Campaign.objects.get(pk=course.campaign_id)
    local = content.create_course(own, school, actor=operator, title="本校课程", audiences=[Audience.STUDENT])
    lesson = content.create_lesson(local, actor=operator, kind="article", title="本校", body_html="<p>x</p>",
                                   duration_s=60)  # fmt: skip
    content.change_course_status(local, "publish", actor=operator)
    assert c.get(f"/training/lessons/{lesson.pk}/").status_code == 200
    assert client_for(outsider_pupil).get(f"/training/lessons/{lesson.pk}/").status_code == 404


def test_unpublished_course_lessons_disappear(client_for, pupil, course, video, operator):
    content.change_course_status(course, "unpublish", actor=operator)
    assert Lesson.objects.get(pk=video.pk).course.status == ContentStatus.DRAFT
    assert client_for(pupil).get(f"/training/lessons/{video.pk}/").status_code == 404


# -- quiz ----------------------------------------------------------------------------------------------
def test_quiz_page_never_shows_answers_before_submission(client_for, pupil, course):
    c = client_for(pupil)
    quiz = course.quiz
    page = c.get(f"/training/quizzes/{quiz.pk}/").content.decode()
    assert 'id="quiz-start"' in page
    assert c.post(f"/training/quizzes/{quiz.pk}/start").status_code == 302
    html = c.get(f"/training/quizzes/{quiz.pk}/").content.decode()
    attempt = QuizAttempt.objects.get(learner=pupil, status=AttemptStatus.OPEN)
    assert html.count('class="card mb-3 quiz-question"') == 10
    assert "不盲目施救" not in html  # the explanation
    visible = html.lower().replace("submit answers", "").replace('id="quiz-submit"', "")
    for marker in ("answer", "explanation", "correct", "is-answer"):
        assert marker not in visible, marker
    # Submit everything right: the result page reveals the answers and explanations.
    answers = {f"q{pk}": "0" for pk in attempt.question_ids}
    resp = c.post(f"/training/quizzes/{quiz.pk}/submit", {"attempt": attempt.pk, **answers})
    assert resp.status_code == 302 and resp["Location"] == f"/training/quizzes/attempts/{attempt.pk}/"
    result = c.get(resp["Location"]).content.decode()
    assert "不盲目施救" in result and result.count("is-answer") == 10
    assert ">100<" in result  # the score
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == 100 and attempt.passed


def test_a_wrong_quiz_submission_shows_right_answers_and_what_was_chosen(client_for, pupil, course):
    c = client_for(pupil)
    c.post(f"/training/quizzes/{course.quiz.pk}/start")
    attempt = QuizAttempt.objects.get(learner=pupil)
    answers = {f"q{pk}": "1" for pk in attempt.question_ids}
    resp = c.post(
        f"/training/quizzes/{course.quiz.pk}/submit", {"attempt": attempt.pk, **answers}, follow=True
    )
    html = resp.content.decode()
    assert "is-wrong" in html and "is-answer" in html
    assert resp.context["attempt"].score == 0 and resp.context["best_score"] == 0


def test_tampered_quiz_answers_are_refused_and_change_nothing(client_for, pupil, course):
    c = client_for(pupil)
    c.post(f"/training/quizzes/{course.quiz.pk}/start")
    attempt = QuizAttempt.objects.get(learner=pupil)
    first = attempt.question_ids[0]
    resp = c.post(
        f"/training/quizzes/{course.quiz.pk}/submit", {"attempt": attempt.pk, f"q{first}": "7"}, follow=True
    )
    assert resp.status_code == 200
    assert [str(m) for m in resp.context["messages"]]  # a clear message
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN and attempt.score is None
    assert c.post(f"/training/quizzes/{course.quiz.pk}/submit", {"attempt": "x"}).status_code == 404


def test_another_learners_attempt_is_404(client_for, pupil, pupils, course):
    c = client_for(pupil)
    c.post(f"/training/quizzes/{course.quiz.pk}/start")
    attempt = QuizAttempt.objects.get(learner=pupil)
    classmate = client_for(pupils[1].user)
    assert classmate.get(f"/training/quizzes/attempts/{attempt.pk}/").status_code == 404
    resp = classmate.post(f"/training/quizzes/{course.quiz.pk}/submit", {"attempt": attempt.pk})
    assert resp.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.OPEN


def test_quiz_shows_course_progress_and_attempts_left(client_for, pupil, course, operator):
    content.save_quiz(course, actor=operator, question_count=10, attempts_limit=1)
    c = client_for(pupil)
    html = c.get(f"/training/quizzes/{course.quiz.pk}/").content.decode()
    assert 'id="course-progress"' in html
    assert c.get(f"/training/quizzes/{course.quiz.pk}/").context["attempts_left"] == 1
    c.post(f"/training/quizzes/{course.quiz.pk}/start")
    attempt = QuizAttempt.objects.get(learner=pupil)
    c.post(f"/training/quizzes/{course.quiz.pk}/submit", {"attempt": attempt.pk})
    resp = c.get(f"/training/quizzes/{course.quiz.pk}/")
    assert resp.context["attempts_left"] == 0 and 'id="quiz-start"' not in resp.content.decode()
    resp = c.post(f"/training/quizzes/{course.quiz.pk}/start", follow=True)
    assert QuizAttempt.objects.filter(learner=pupil).count() == 1
    assert [str(m) for m in resp.context["messages"]]


# -- children ---------------------------------------------------------------------------------------------
def test_a_parent_sees_only_their_own_childrens_progress(client_for, pupils, parent_of_pupil, course, video):
    own, other = pupils[0], pupils[1]
    learn(own.user, video, 30, prefix="own")
    learn(other.user, video, 45, prefix="other")
    resp = client_for(parent_of_pupil).get("/training/children/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert own.name in html
    if other.name != own.name:  # fixture names are random: two pupils may share one
        assert other.name not in html
    children = resp.context["children"]
    assert [c.student for c in children] == [own]
    assert children[0].cards[0].credited_s == 30
    # The query layer reads other families' rows through the same door: nothing.
    assert queries.learner_cards(parent_of_pupil, other.user)[0].credited_s == 0


def test_children_page_of_someone_without_children_is_empty(client_for, pupil):
    resp = client_for(pupil).get("/training/children/")
    assert resp.status_code == 200 and resp.context["children"] == []


def test_home_queries_do_not_grow_with_the_courses(client_for, pupil, course, campaign, operator, video,
                                                   django_assert_max_num_queries, on_stage_one):  # fmt: skip
    c = client_for(pupil)
    learn(pupil, video, 30)
    c.get("/training/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert c.get("/training/").status_code == 200
    for i in range(5):
        other_course(campaign, operator, f"另一课程{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        resp = c.get("/training/")
    assert len(resp.context["home"].due) == 6


def test_english_pages_show_english_titles(client_for, pupil, course, on_stage_one):
    c = client_for(pupil)
    c.cookies["django_language"] = "en"
    html = c.get("/training/").content.decode()
    assert course.title_en in html
