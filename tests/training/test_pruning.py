"""Heartbeats carry their region key, and old ones are pruned by policy without changing what the
recount, crediting or statistics make of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from safecampus.core.models import Unit
from safecampus.core.policy import load_policy
from safecampus.training import tasks
from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training.progress_models import BeatStatus, Heartbeat, LearningDay, LessonProgress
from safecampus.training.pruning import keep_days, prune_heartbeats
from safecampus.training.recount import drift

OLD = dt.datetime(2026, 9, 2, 1, 0, tzinfo=dt.UTC)  # a morning early in the campaign
LATER = OLD + dt.timedelta(days=200)  # past the default 180 days kept


def beats(lesson_id: int, start: dt.datetime, positions: list[float], *, prefix: str, step: int = 15):
    return [
        BeatIn(f"{prefix}{i}", lesson_id, p, start + dt.timedelta(seconds=i * step))
        for i, p in enumerate(positions)
    ]


def send(user, items, now):
    return record_heartbeats(user, items, now=now + dt.timedelta(minutes=5))


def progress(user) -> dict[int, float]:
    return dict(LessonProgress.objects.filter(learner=user).values_list("lesson_id", "credited_s"))


@pytest.mark.django_db
def test_beats_carry_the_learners_region_key(pupil, video, school):
    send(pupil, beats(video.pk, OLD, [0, 15], prefix="a"), OLD)
    assert set(Heartbeat.objects.filter(learner=pupil).values_list("unit_path", flat=True)) == {school.path}


@pytest.mark.django_db
def test_pruning_keeps_progress_recount_and_statistics(pupil, video, article):
    # Old learning that runs on across the cut-off (the kept beat's predecessor is pruned) …
    send(pupil, beats(article.pk, OLD, [0, 15, 30, 45], prefix="o"), OLD)
    send(pupil, beats(video.pk, OLD + dt.timedelta(seconds=60), [0, 15, 30], prefix="v"), OLD)
    # … and learning of today, of the same lessons.
    send(pupil, beats(article.pk, LATER, [45, 60, 75], prefix="n"), LATER)
    before = progress(pupil)
    days_before = sorted(LearningDay.objects.filter(learner=pupil).values_list("day", "credited_s"))
    cutoff = OLD + dt.timedelta(seconds=50)  # between the old article beats: some go, some stay
    now = cutoff + dt.timedelta(days=180)

    result = prune_heartbeats(now=now)

    assert result.learners == 1 and result.beats == 4
    kept = Heartbeat.objects.filter(learner=pupil)
    assert all(b.at >= cutoff for b in kept) and kept.count() == 6
    assert progress(pupil) == before
    assert drift(learners=[pupil.pk]) == []  # recounted from the kept beats plus what was folded
    row = LessonProgress.objects.get(learner=pupil, lesson=article)
    assert row.pruned_s == 45 and row.pruned_furthest_s == 45
    # statistics are recounted from learning days, which pruning leaves alone
    assert sorted(LearningDay.objects.filter(learner=pupil).values_list("day", "credited_s")) == days_before
    assert prune_heartbeats(now=now).beats == 0  # nothing more to do


@pytest.mark.django_db
def test_a_late_beat_is_credited_as_if_nothing_was_pruned(pupil, video):
    """A video watched to 45 s long ago, rewatched now: an out-of-order beat at 50 s is within
    reach of the old viewing (kept as pruned_furthest_s), and earns from its true predecessor."""
    send(pupil, beats(video.pk, OLD, [0, 15, 30, 45], prefix="o"), OLD)
    prune_heartbeats(now=OLD + dt.timedelta(days=181))
    assert not Heartbeat.objects.filter(learner=pupil).exists()
    send(pupil, beats(video.pk, LATER, [0, 15, 30], prefix="n", step=15), LATER)
    late = BeatIn("late", video.pk, 50, LATER + dt.timedelta(seconds=7))
    [result] = send(pupil, [late], LATER)
    assert result.status == "accepted"
    assert drift(learners=[pupil.pk]) == []


@pytest.mark.django_db
def test_pending_beats_and_recent_beats_are_kept(pupil, video):
    send(pupil, beats(video.pk, OLD, [0, 15], prefix="o"), OLD)
    Heartbeat.objects.filter(learner=pupil).update(status=BeatStatus.PENDING)
    assert prune_heartbeats(now=OLD + dt.timedelta(days=400)).beats == 0
    Heartbeat.objects.filter(learner=pupil).update(status=BeatStatus.ACCEPTED)
    assert prune_heartbeats(now=OLD + dt.timedelta(days=100)).beats == 0  # younger than 180 days


@pytest.mark.django_db
def test_the_region_policy_sets_how_long_beats_are_kept(pupil, video, operator, outsider_pupil):
    province = Unit.objects.get(code="demo")
    assert keep_days(province) == 180
    load_policy(province, {"training": {"heartbeat_keep_days": 60}}, actor=operator, version="keep60",
                effective_from=dt.date(2026, 1, 1))  # fmt: skip
    assert keep_days(province) == 60
    send(pupil, beats(video.pk, OLD, [0, 15], prefix="o"), OLD)
    assert prune_heartbeats(now=OLD + dt.timedelta(days=61)).beats == 2
    # never fewer days than offline beats may still arrive (heartbeat.max_age_days + 1)
    load_policy(province, {"training": {"heartbeat_keep_days": 3}}, actor=operator, version="keep3",
                effective_from=dt.date(2026, 1, 2))  # fmt: skip
    assert keep_days(province) == 31


@pytest.mark.django_db
def test_command_and_nightly_job_prune(pupil, video, capsys, monkeypatch):
    send(pupil, beats(video.pk, OLD, [0, 15, 30], prefix="o"), OLD)
    send(pupil, beats(video.pk, OLD + dt.timedelta(days=5), [0, 15], prefix="p"), OLD + dt.timedelta(days=5))
    monkeypatch.setattr("safecampus.training.pruning.timezone.now", lambda: OLD + dt.timedelta(days=181))
    call_command("prune_heartbeats", "--limit", "10")
    assert "pruned 3 heartbeats of 1 learners" in capsys.readouterr().out
    monkeypatch.setattr("safecampus.training.pruning.timezone.now", lambda: OLD + dt.timedelta(days=186))
    assert tasks.prune_old_heartbeats.call_local() == 2


@pytest.mark.django_db
def test_a_base_policy_stored_before_the_key_existed_still_has_it(demo):
    """Databases keep the shipped default as a version; keys shipped later fill in from the file."""
    from safecampus.core.models import PolicyVersion

    base = PolicyVersion.objects.filter(unit=None).latest("effective_from")
    data = dict(base.data)
    data["training"] = {k: v for k, v in data["training"].items() if k != "heartbeat_keep_days"}
    PolicyVersion.objects.filter(pk=base.pk).update(data=data)
    assert keep_days(None) == 180
