"""The training API as a mobile client uses it: heartbeats, my courses, quizzes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from safecampus.training.models import Question
from safecampus.training.progress_models import Heartbeat, LessonProgress, QuizAttempt


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def beats(lesson_id: int, n: int, *, start: dt.datetime, prefix: str = "m") -> list[dict]:
    return [
        {"id": f"{prefix}-{i}", "lesson": lesson_id, "position_s": i * 15,
         "at": (start + dt.timedelta(seconds=15 * i)).isoformat()}
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.django_db
def test_heartbeats_are_applied_once(api_client_for, pupil, video):
    client = api_client_for(pupil)
    start = timezone.now() - dt.timedelta(minutes=5)
    body = beats(video.pk, 4, start=start)
    first = post(client, "/api/v1/training/heartbeats", body)
    assert first.status_code == 200, first.content
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert results[-1]["credited_s"] == 45
    again = post(client, "/api/v1/training/heartbeats", body[::-1])
    assert all(r["duplicate"] for r in again.json()["results"])
    assert LessonProgress.objects.get(learner=pupil, lesson=video).credited_s == 45


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"id": "x", "lesson": 1, "position_s": 0, "at": "2026-11-20T09:00:00+08:00"},  # not an array
        [],
        [{"id": "x", "lesson": 1, "position_s": -1, "at": "2026-11-20T09:00:00+08:00"}],
        [{"id": "x", "lesson": 1, "position_s": 0, "at": "yesterday"}],
        [{"id": "", "lesson": 1, "position_s": 0, "at": "2026-11-20T09:00:00+08:00"}],
        [{"id": "x y", "lesson": 1, "position_s": 0, "at": "2026-11-20T09:00:00+08:00"}],
        [{"lesson": 1, "position_s": 0, "at": "2026-11-20T09:00:00+08:00"}],
        [{"id": "x", "lesson": 1, "position_s": 0, "at": "2026-11-20T09:00:00+08:00", "extra": 1}],
    ],
)
def test_malformed_heartbeats_are_refused_and_nothing_is_written(api_client_for, pupil, video, body):
    response = post(api_client_for(pupil), "/api/v1/training/heartbeats", body)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not Heartbeat.objects.exists()


@pytest.mark.django_db
def test_not_json_is_a_clear_error(api_client_for, pupil):
    response = api_client_for(pupil).post(
        "/api/v1/training/heartbeats", data="{{", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.django_db
def test_my_courses_lists_what_the_learner_is_offered(api_client_for, pupil, course, county, head_teacher):
    mine = api_client_for(pupil).get("/api/v1/training/my/courses").json()
    assert [c["id"] for c in mine] == [course.pk]
    assert mine[0]["audience"] == "student" and mine[0]["lesson_count"] == 2
    assert mine[0]["quiz"]["pass_mark"] == 80
    assert api_client_for(head_teacher).get("/api/v1/training/my/courses").json()[0]["audience"] == "staff"
    assert api_client_for(county).get("/api/v1/training/my/courses").json() == []  # not for cadres


@pytest.mark.django_db
def test_quiz_answers_are_never_sent_before_submission(api_client_for, pupil, course):
    client = api_client_for(pupil)
    started = client.post(f"/api/v1/training/quizzes/{course.quiz.pk}/attempts")
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert len(attempt["questions"]) == 10
    raw = started.content.decode()
    assert '"answer": [' not in raw.replace('"answer":[', '"answer": [')
    assert all(q["answer"] is None and q["explanation"] is None for q in attempt["questions"])
    # a reload gives the same attempt back, still without answers
    again = client.post(f"/api/v1/training/quizzes/{course.quiz.pk}/attempts").json()
    assert again["id"] == attempt["id"] and again["questions"][0]["answer"] is None
    answers = {str(q["id"]): [0] for q in attempt["questions"]}
    answers[str(attempt["questions"][0]["id"])] = [1]  # one wrong: 90
    graded = post(client, f"/api/v1/training/quizzes/{course.quiz.pk}/attempts/{attempt['id']}/submit",
                  {"answers": answers})  # fmt: skip
    assert graded.status_code == 200, graded.content
    result = graded.json()
    assert (result["score"], result["passed"], result["best_score"]) == (90, True, 90)
    assert result["questions"][0]["answer"] == [0] and result["questions"][0]["explanation"]


@pytest.mark.django_db
def test_bad_answers_change_nothing(api_client_for, pupil, course):
    client = api_client_for(pupil)
    attempt = client.post(f"/api/v1/training/quizzes/{course.quiz.pk}/attempts").json()
    other = Question.objects.exclude(pk__in=[q["id"] for q in attempt["questions"]]).first()
    url = f"/api/v1/training/quizzes/{course.quiz.pk}/attempts/{attempt['id']}/submit"
    assert post(client, url, {"answers": {str(other.pk): [0]}}).status_code == 400
    assert post(client, url, {"answers": {str(attempt["questions"][0]["id"]): [0, 1]}}).status_code == 400
    assert post(client, url, {"answers": {"x": [0]}}).status_code == 422
    assert QuizAttempt.objects.get(pk=attempt["id"]).status == "open"


@pytest.mark.django_db
def test_another_learners_attempt_is_not_found(api_client_for, pupil, pupils, course, outsider_pupil):
    attempt = api_client_for(pupil).post(f"/api/v1/training/quizzes/{course.quiz.pk}/attempts").json()
    for user in (pupils[1].user, outsider_pupil):
        client = api_client_for(user)
        assert (
            client.get(f"/api/v1/training/quizzes/{course.quiz.pk}/attempts/{attempt['id']}").status_code
            == 404
        )
        url = f"/api/v1/training/quizzes/{course.quiz.pk}/attempts/{attempt['id']}/submit"
        assert post(client, url, {"answers": {}}).status_code == 404
