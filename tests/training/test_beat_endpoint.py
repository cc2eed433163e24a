"""The player's heartbeat endpoint (/training/beats): credits, exactly once, strict input."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from safecampus.training import content
from safecampus.training.heartbeats import MAX_BATCH
from safecampus.training.models import Audience
from safecampus.training.progress_models import Heartbeat, LearnerClock, LearningDay, LessonProgress

from .learn_helpers import ready

pytestmark = pytest.mark.django_db
URL = "/training/beats"


@pytest.fixture
def web(client_for):
    def make(user):
        return client_for(ready(user))

    return make


def beat(lesson_id: int, seconds_ago: float, position: float, cid: str) -> dict:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return {"id": cid, "lesson": lesson_id, "position_s": position, "at": at.isoformat()}


def post(client: Client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type=extra.pop("content_type", "application/json"), **extra)


def nothing_written(user) -> bool:
    return not (
        Heartbeat.objects.filter(learner=user).exists()
        or LessonProgress.objects.filter(learner=user).exists()
        or LearningDay.objects.filter(learner=user).exists()
    )


def test_beats_are_credited_and_a_replay_changes_nothing(web, pupil, video):
    c = web(pupil)
    beats = [beat(video.pk, 45 - 15 * i, 15 * i, f"tab-a-{i}") for i in range(4)]  # 0, 15, 30, 45 s
    resp = post(c, {"beats": beats})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert [r["id"] for r in results] == [b["id"] for b in beats]
    assert {r["status"] for r in results} == {"accepted"}
    assert results[-1]["credited_s"] == pytest.approx(45, abs=0.5)
    assert results[-1]["furthest_s"] == 45 and results[-1]["completed"] is False
    row = LessonProgress.objects.get(learner=pupil, lesson=video)
    credited = row.credited_s

    again = post(c, {"beats": list(reversed(beats)) + beats[:1]}).json()["results"]
    assert all(r["duplicate"] for r in again)
    assert Heartbeat.objects.filter(learner=pupil).count() == 4
    row.refresh_from_db()
    assert row.credited_s == credited


def test_offline_beats_replayed_later_in_pieces_credit_the_same(web, pupil, video):
    c = web(pupil)
    beats = [beat(video.pk, 300 - 15 * i, 15 * i, f"offline-{i}") for i in range(5)]  # made 5 minutes ago
    post(c, {"beats": beats[2:]})  # the queue's tail arrives first (a retry), then all of it
    post(c, {"beats": beats})
    assert LessonProgress.objects.get(learner=pupil, lesson=video).credited_s == pytest.approx(60, abs=0.5)
    assert Heartbeat.objects.filter(learner=pupil, status="accepted").count() == 5


def test_a_skip_ahead_is_refused_with_the_furthest_point(web, pupil, video):
    c = web(pupil)
    results = post(c, {"beats": [beat(video.pk, 30, 0, "s-0"), beat(video.pk, 15, 58, "s-1")]}).json()[
        "results"
    ]
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "refused" and results[1]["reason"] == "skip"
    assert results[1]["furthest_s"] == 0


def test_a_lesson_not_offered_is_refused_and_not_stored(web, pupil, campaign, operator, demo):
    from safecampus.core.models import Unit

    other_school = Unit.objects.get(code="demo-c1-k2-s1")
    course = content.create_course(campaign, other_school, actor=operator, title="他校课程",
                                   audiences=[Audience.STUDENT])  # fmt: skip
    lesson = content.create_lesson(course, actor=operator, kind="article", title="他校", body_html="<p>x</p>",
                                   duration_s=60)  # fmt: skip
    content.change_course_status(course, "publish", actor=operator)
    result = post(web(pupil), {"beats": [beat(lesson.pk, 0, 0, "x-1")]}).json()["results"][0]
    assert result["status"] == "refused" and result["reason"] == "unknown_lesson"
    assert result["credited_s"] == 0
    assert nothing_written(pupil)


GOOD = {"id": "b-1", "lesson": 1, "position_s": 3.5, "at": "2026-11-24T09:00:00+08:00"}


def _with(**changes):
    item = dict(GOOD)
    for key, value in changes.items():
        if value is KeyError:
            item.pop(key)
        else:
            item[key] = value
    return item


RAW = '{"beats": [{"id": "b-1", "lesson": 1, "position_s": %s, "at": "2026-11-24T09:00:00Z"}]}'
MALFORMED = {
    "not json": "{beats: [",
    "not utf-8": b"\xff\xfe\x00",
    "a list": [GOOD],
    "no beats key": {"beat": [GOOD]},
    "extra top-level key": {"beats": [GOOD], "more": 1},
    "beats not a list": {"beats": GOOD},
    "empty list": {"beats": []},
    "item not an object": {"beats": ["b-1"]},
    "missing id": {"beats": [_with(id=KeyError)]},
    "extra field": {"beats": [_with(extra=1)]},
    "id empty": {"beats": [_with(id="")]},
    "id too long": {"beats": [_with(id="x" * 65)]},
    "id with spaces": {"beats": [_with(id="a b")]},
    "id a number": {"beats": [_with(id=12)]},
    "lesson a string": {"beats": [_with(lesson="1")]},
    "lesson true": {"beats": [_with(lesson=True)]},
    "lesson zero": {"beats": [_with(lesson=0)]},
    "lesson huge": {"beats": [_with(lesson=2**40)]},
    "position a string": {"beats": [_with(position_s="3")]},
    "position negative": {"beats": [_with(position_s=-1)]},
    "position NaN": RAW % "NaN",
    "position Infinity": RAW % "Infinity",
    "position a day and more": {"beats": [_with(position_s=86401)]},
    "time without zone": {"beats": [_with(at="2026-11-24T09:00:00")]},
    "time not a time": {"beats": [_with(at="yesterday")]},
    "time a number": {"beats": [_with(at=1764000000)]},
    "time too long": {"beats": [_with(at="2026-11-24T09:00:00+08:00" + " " * 30)]},
    "one bad among good": {"beats": [GOOD, _with(id="b-2"), _with(id="b-3", at="soon")]},
    "too many": {"beats": [_with(id=f"b-{i}") for i in range(MAX_BATCH + 1)]},
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_bodies_are_400_with_a_message_and_write_nothing(web, pupil, video, case):
    body = copy.deepcopy(MALFORMED[case])
    if isinstance(body, dict) and isinstance(body.get("beats"), list):
        for item in body["beats"]:  # the well-formed beats name a real lesson
            if isinstance(item, dict) and type(item.get("lesson")) is int and item["lesson"] == 1:
                item["lesson"] = video.pk
    resp = post(web(pupil), body)
    assert resp.status_code == 400, resp.content
    data = resp.json()
    assert isinstance(data["error"], str) and data["error"]
    assert nothing_written(pupil)
    assert not LearnerClock.objects.filter(learner=pupil).exists()


def test_the_field_of_the_first_problem_is_named(web, pupil, video):
    body = {"beats": [_with(lesson=video.pk), _with(id="b-2", lesson=video.pk, position_s="x")]}
    assert post(web(pupil), body).json()["field"] == "beats[1].position_s"


def test_messages_follow_the_language_of_the_page(web, pupil):
    c = web(pupil)
    c.cookies["django_language"] = "zh-hans"
    resp = post(c, "nope")
    assert resp.status_code == 400 and resp["Content-Type"].startswith("application/json")
    assert resp.json()["error"]


def test_only_json_posts_from_a_session_with_a_csrf_token(web, pupil, video):
    assert post(Client(), {"beats": [beat(video.pk, 0, 0, "anon")]}).status_code == 401
    c = web(pupil)
    assert c.get(URL).status_code == 405
    assert post(c, "beats=1", content_type="application/x-www-form-urlencoded").status_code == 415
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(pupil)
    assert post(strict, {"beats": [beat(video.pk, 0, 0, "no-token")]}).status_code == 403
    assert nothing_written(pupil)
    strict.get(f"/training/lessons/{video.pk}/")  # sets the CSRF cookie, as the player page does
    token = strict.cookies["csrftoken"].value
    resp = post(strict, {"beats": [beat(video.pk, 0, 0, "with-token")]}, HTTP_X_CSRFTOKEN=token)
    assert resp.status_code == 200 and resp.json()["results"][0]["status"] == "accepted"
