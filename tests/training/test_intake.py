"""Beats received through the API are stored once at once and credited by the queued job."""

from __future__ import annotations

import datetime as dt
import json
import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safecampus.training import heartbeats, tasks
from safecampus.training.heartbeats import BeatIn, credit_pending, record_heartbeats
from safecampus.training.progress_models import BeatStatus, Heartbeat, LessonProgress

from .test_heartbeats import NOW, T0, credited, honest


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """A real queue: the crediting job is recorded, not run."""
    jobs: list[int] = []
    monkeypatch.setattr(heartbeats, "HUEY", SimpleNamespace(immediate=False))
    monkeypatch.setattr(tasks, "queue_credit", jobs.append)
    return jobs


@pytest.mark.django_db
def test_the_api_stores_beats_pending_and_the_job_credits_them(api_client_for, pupil, video, queued):
    start = timezone.now() - dt.timedelta(minutes=5)
    at = [(start + dt.timedelta(seconds=15 * i)).isoformat() for i in range(4)]
    body = [{"id": f"q{i}", "lesson": video.pk, "position_s": 15 * i, "at": at[i]} for i in range(4)]
    client = api_client_for(pupil)
    r = client.post("/api/v1/training/heartbeats", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert [(x["status"], x["pending"], x["duplicate"]) for x in results] == [("accepted", True, False)] * 4
    assert results[0]["credited_s"] == 0
    assert queued == [pupil.pk]
    assert Heartbeat.objects.filter(learner=pupil, status=BeatStatus.PENDING).count() == 4
    assert not LessonProgress.objects.filter(learner=pupil).exists()
    # the job credits them; running it again changes nothing
    assert credit_pending(pupil) == 4
    assert credit_pending(pupil) == 0
    assert credited(pupil, video) == 45
    # a retry answers from the stored rows and queues nothing
    again = client.post("/api/v1/training/heartbeats", data=json.dumps(body), content_type="application/json")
    assert [(x["status"], x["pending"], x["duplicate"]) for x in again.json()["results"]] == [
        ("accepted", False, True)
    ] * 4
    assert again.json()["results"][-1]["credited_s"] == 45
    assert queued == [pupil.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batches_received_in_any_order_then_credited_equal_the_honest_viewer(pupil, video, queued, seed):
    beats = honest(video.pk, 60)
    rng = random.Random(seed)
    sent = beats + rng.sample(beats, 3)
    rng.shuffle(sent)
    for i in range(0, len(sent), 2):
        record_heartbeats(pupil, sent[i : i + 2], now=NOW, inline=False)
        if rng.random() < 0.4:
            credit_pending(pupil)  # the job may run between any two requests
    credit_pending(pupil)
    assert credited(pupil, video) == 60
    assert Heartbeat.objects.filter(learner=pupil).count() == len(beats)
    assert not Heartbeat.objects.filter(learner=pupil).exclude(status=BeatStatus.ACCEPTED).exists()


@pytest.mark.django_db
def test_crediting_finds_skips_and_lessons_not_offered(pupil, county, video, queued):
    record_heartbeats(pupil, honest(video.pk, 15), now=NOW, inline=False)
    jump = [BeatIn("jump", video.pk, 58, T0 + dt.timedelta(seconds=20))]
    assert record_heartbeats(pupil, jump, now=NOW, inline=False)[0].pending
    credit_pending(pupil)
    assert Heartbeat.objects.get(learner=pupil, client_id="jump").reason == "skip"
    assert credited(pupil, video) == 15
    # a bureau officer is not in the course's audiences: the beat is dropped when crediting
    record_heartbeats(county, honest(video.pk, 15, prefix="c"), now=NOW, inline=False)
    credit_pending(county)
    assert not Heartbeat.objects.filter(learner=county).exists()
    # answered as before when sent again and credited at once
    assert record_heartbeats(county, honest(video.pk, 15, prefix="c"), now=NOW)[0].reason == "unknown_lesson"


@pytest.mark.django_db
def test_the_minute_job_credits_what_the_queue_lost(pupil, video, queued):
    beats = honest(video.pk, 30, start=timezone.now() - dt.timedelta(minutes=2))
    record_heartbeats(pupil, beats, inline=False)
    assert tasks.credit_stragglers.call_local() == 0  # received just now: the queued job has it
    Heartbeat.objects.filter(learner=pupil).update(received_at=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.credit_stragglers.call_local() == 3
    assert credited(pupil, video) == 30
    assert tasks.credit_stragglers.call_local() == 0


class FakeQueue:
    immediate = False

    def __init__(self) -> None:
        self.marks: set[str] = set()

    def put_if_empty(self, key: str, value: str) -> bool:
        if key in self.marks:
            return False
        self.marks.add(key)
        return True

    def delete(self, key: str) -> None:
        self.marks.discard(key)


@pytest.mark.django_db
def test_one_crediting_job_per_learner_at_a_time(pupil, video, monkeypatch):
    queue, scheduled = FakeQueue(), []
    monkeypatch.setattr(tasks, "HUEY", queue)
    monkeypatch.setattr(tasks.credit_beats, "schedule", lambda args, delay: scheduled.append((args, delay)))
    for _ in range(3):
        tasks.queue_credit(pupil.pk)
    assert scheduled == [((pupil.pk,), tasks.CREDIT_DELAY_S)]
    record_heartbeats(pupil, honest(video.pk, 30), now=NOW, inline=False)
    tasks.credit_beats.call_local(pupil.pk)  # the job clears the mark, then credits
    assert credited(pupil, video) == 30
    tasks.queue_credit(pupil.pk)  # the next beat queues the next job
    assert len(scheduled) == 2
