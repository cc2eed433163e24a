"""Property: whatever beats arrive, in whatever batches and order, the stored progress equals the
recount of the accepted beats with the pure rule, and credit never exceeds the wall clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training.progress_models import Heartbeat, LearningDay, LessonProgress
from safecampus.training.recount import drift

T0 = dt.datetime(2026, 11, 20, 15, 58, tzinfo=dt.UTC)  # 23:58 in Asia/Shanghai: days split at midnight
NOW = T0 + dt.timedelta(hours=1)

beat = st.tuples(
    st.integers(0, 400),  # seconds after T0
    st.sampled_from([0, 1]),  # which lesson
    st.floats(0, 70, allow_nan=False),  # position
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(beat, min_size=1, max_size=25), cuts=st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_stored_progress_equals_the_recount(pupil, video, article, data, cuts):
    Heartbeat.objects.filter(learner=pupil).delete()
    LessonProgress.objects.filter(learner=pupil).delete()
    LearningDay.objects.filter(learner=pupil).delete()
    from safecampus.training.progress_models import LearnerClock

    LearnerClock.objects.filter(learner=pupil).delete()
    lessons = [video.pk, article.pk]
    beats = [
        BeatIn(f"p{i}", lessons[lesson], pos, T0 + dt.timedelta(seconds=sec))
        for i, (sec, lesson, pos) in enumerate(data)
    ]
    i = 0
    for cut in cuts * 10:
        if i >= len(beats):
            break
        record_heartbeats(pupil, beats[i : i + cut], now=NOW)
        i += cut
    assert drift(learners=[pupil.pk]) == []
    total = sum(LessonProgress.objects.filter(learner=pupil).values_list("credited_s", flat=True))
    times = [b.at for b in beats]
    assert total <= (max(times) - min(times)).total_seconds() + 1e-6
    days = sum(LearningDay.objects.filter(learner=pupil).values_list("credited_s", flat=True))
    assert abs(days - total) < 1e-6
