"""Heartbeats credit exactly what one honest viewer earns: any order, duplicates, two tabs."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training.progress_models import Heartbeat, LearningDay, LessonProgress

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(hours=2)


def honest(lesson_id: int, seconds: int, *, start: dt.datetime = T0, prefix: str = "a", step: int = 15,
           offset: float = 0) -> list[BeatIn]:  # fmt: skip
    """Beats of someone watching from the start: one at 0 s, then every `step` seconds."""
    return [
        BeatIn(
            f"{prefix}{i}", lesson_id, min(offset + i * step, seconds), start + dt.timedelta(seconds=i * step)
        )
        for i in range(seconds // step + 1)
    ]


def credited(user, lesson) -> float:
    row = LessonProgress.objects.filter(learner=user, lesson=lesson).first()
    return row.credited_s if row else 0.0


def send(user, beats, **kw):
    return record_heartbeats(user, beats, now=NOW, **kw)


@pytest.mark.django_db
def test_honest_viewer_is_credited_the_wall_clock_up_to_the_length(pupil, video):
    results = send(pupil, honest(video.pk, 45))
    assert [r.status for r in results] == ["accepted"] * 4
    assert credited(pupil, video) == 45
    assert results[-1].credited_s == 45 and not results[-1].completed
    send(pupil, honest(video.pk, 75, prefix="b", start=T0 + dt.timedelta(seconds=60), offset=45)[1:])
    row = LessonProgress.objects.get(learner=pupil, lesson=video)
    assert row.credited_s == 60  # the lesson's length caps it
    assert row.completed_at is not None
    assert sum(LearningDay.objects.filter(learner=pupil).values_list("credited_s", flat=True)) == 60


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_any_order_and_duplicates_credit_the_same(pupil, video, article, seed):
    beats = honest(video.pk, 45) + honest(article.pk, 90, start=T0 + dt.timedelta(minutes=5), prefix="r")
    expected = {video.pk: 45.0, article.pk: 90.0}
    rnd = random.Random(seed)
    shuffled = beats + rnd.sample(beats, 5)  # some sent twice
    rnd.shuffle(shuffled)
    while shuffled:  # in random batches, as an offline queue and retries would send them
        size = rnd.randint(1, 4)
        send(pupil, shuffled[:size])
        shuffled = shuffled[size:]
    assert {video.pk: credited(pupil, video), article.pk: credited(pupil, article)} == expected
    assert Heartbeat.objects.filter(learner=pupil).count() == len(beats)
    assert Heartbeat.objects.filter(learner=pupil, status="refused").count() == 0


@pytest.mark.django_db
def test_a_replayed_batch_changes_nothing_and_answers_the_same(pupil, video):
    beats = honest(video.pk, 30)
    first = send(pupil, beats)
    again = send(pupil, beats)
    assert [r.status for r in again] == [r.status for r in first]
    assert all(r.duplicate for r in again)
    assert credited(pupil, video) == 30


@pytest.mark.django_db
def test_two_tabs_at_once_do_not_double_count(pupil, video, article):
    tab_a = honest(video.pk, 45)
    tab_b = honest(article.pk, 45, start=T0 + dt.timedelta(seconds=7), prefix="b")  # 7 s later, other lesson
    send(pupil, tab_a + tab_b)
    total = credited(pupil, video) + credited(pupil, article)
    assert total == 52  # 09:00:00 → 09:00:52 of wall clock, shared by the two tabs


@pytest.mark.django_db
def test_two_tabs_on_one_lesson_earn_what_one_viewer_does(pupil, video):
    tab_a = honest(video.pk, 45)
    tab_b = honest(video.pk, 45, prefix="b")  # the same lesson opened twice, beating in step
    send(pupil, tab_a + tab_b)
    assert credited(pupil, video) == 45


@pytest.mark.django_db
def test_credit_never_exceeds_the_time_since_the_previous_beat(pupil, article):
    send(pupil, [BeatIn("x1", article.pk, 0, T0), BeatIn("x2", article.pk, 0, T0 + dt.timedelta(seconds=10))])
    assert credited(pupil, article) == 10
    # a long silence (the learner was away) earns nothing; learning resumes afterwards
    send(pupil, [BeatIn("x3", article.pk, 0, T0 + dt.timedelta(minutes=30)),
                 BeatIn("x4", article.pk, 0, T0 + dt.timedelta(minutes=30, seconds=15))])  # fmt: skip
    assert credited(pupil, article) == 25


@pytest.mark.django_db
def test_skipping_ahead_is_refused(pupil, video):
    send(pupil, honest(video.pk, 15))
    result = send(pupil, [BeatIn("jump", video.pk, 58, T0 + dt.timedelta(seconds=20))])[0]
    assert (result.status, result.reason) == ("refused", "skip")
    assert result.furthest_s == 15
    assert credited(pupil, video) == 15
    # watching on from the furthest point is fine
    ok = send(pupil, [BeatIn("on", video.pk, 29, T0 + dt.timedelta(seconds=30))])[0]
    assert ok.status == "accepted"
    assert credited(pupil, video) == 30


@pytest.mark.django_db
def test_beats_that_cannot_be_true_are_refused_and_not_stored(pupil, video, outsider_pupil):
    results = send(
        pupil,
        [
            BeatIn("future", video.pk, 0, NOW + dt.timedelta(hours=1)),
            BeatIn("old", video.pk, 0, NOW - dt.timedelta(days=90)),
            BeatIn("end", video.pk, 500, T0),
            BeatIn("nope", 999999, 0, T0),
        ],
    )
    assert [r.reason for r in results] == ["future", "too_old", "beyond_end", "unknown_lesson"]
    assert not Heartbeat.objects.filter(learner=pupil).exists()
    assert not LessonProgress.objects.filter(learner=pupil).exists()


@pytest.mark.django_db
def test_a_lesson_not_for_the_learner_is_refused(outsider_pupil, video, head_teacher, county):
    # the campaign is offered to the whole province: the neighbouring county's pupil may learn it
    assert send(outsider_pupil, honest(video.pk, 15))[0].status == "accepted"
    # a bureau officer is not in the course's audiences (students, parents, teachers and staff)
    assert send(county, honest(video.pk, 15, prefix="c"))[0].reason == "unknown_lesson"
    # a teacher is
    assert send(head_teacher, honest(video.pk, 15, prefix="t"))[0].status == "accepted"


@pytest.mark.django_db
def test_a_parents_phone_does_not_earn_the_childs_credit(pupil, parent_of_pupil, video):
    send(parent_of_pupil, honest(video.pk, 45))  # the course is also for parents: they learn it themselves
    assert credited(parent_of_pupil, video) == 45
    assert credited(pupil, video) == 0
    assert LessonProgress.objects.get(learner=parent_of_pupil, lesson=video).audience == "parent"


@pytest.mark.django_db
def test_progress_is_seen_only_by_those_it_concerns(
    pupils,
    pupil,
    parent_of_pupil,
    outsider_pupil,
    video,
    head_teacher,
    county,
    outsider,
    principal,
    outsider_principal,
):
    send(pupil, honest(video.pk, 30))
    send(pupils[1].user, honest(video.pk, 30, prefix="o"))
    send(outsider_pupil, honest(video.pk, 30, prefix="x"))

    def seen(user) -> set[int]:
        return set(LessonProgress.objects.visible_to(user).values_list("learner_id", flat=True))

    assert seen(pupil) == {pupil.pk}
    assert seen(parent_of_pupil) == {pupil.pk}  # their own child only
    assert seen(outsider_pupil) == {outsider_pupil.pk}
    assert seen(head_teacher) == {pupil.pk, pupils[1].user_id}
    assert seen(principal) == {pupil.pk, pupils[1].user_id}
    assert seen(county) == {pupil.pk, pupils[1].user_id}
    assert seen(outsider) == {outsider_pupil.pk}
    assert seen(outsider_principal) == {outsider_pupil.pk}
