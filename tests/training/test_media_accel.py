"""Lesson media handed to the web server after the access check (`core.files.serve`):
X-Accel-Redirect for nginx, X-Sendfile for Apache; ranges from Python in the embedded mode."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safecampus.training.models import Lesson

from .manage_samples import k1_content
from .samples import tiny_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lesson_video(media_root, video):
    return video


def _learner(user):
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    return user


def test_nginx_gets_x_accel_redirect_after_the_access_check(
    settings, client_for, pupil, outsider_pupil, lesson_video
):
    settings.MEDIA_ACCEL, settings.MEDIA_ACCEL_PREFIX = "nginx", "/protected-media/"
    url = reverse("training:media", args=[lesson_video.pk, "file"])
    resp = client_for(_learner(pupil)).get(url)
    assert resp.status_code == 200 and resp.content == b""
    assert resp["X-Accel-Redirect"] == "/protected-media/" + lesson_video.media.name
    assert resp["Content-Type"] == "video/mp4" and resp["Content-Disposition"].startswith("inline")
    assert resp["Cache-Control"] == "private, max-age=3600"

    county_lesson = Lesson.objects.get(pk=k1_content()["lesson_id"])  # offered in demo-c1-k1 only
    county_url = reverse("training:media", args=[county_lesson.pk, "file"])
    assert client_for(pupil).get(county_url)["X-Accel-Redirect"].endswith(county_lesson.media.name)
    refused = client_for(_learner(outsider_pupil)).get(county_url)  # the sibling county's pupil
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_sendfile_gets_the_absolute_path(settings, client_for, pupil, lesson_video):
    settings.MEDIA_ACCEL = "sendfile"
    resp = client_for(_learner(pupil)).get(reverse("training:media", args=[lesson_video.pk, "file"]))
    assert resp["X-Sendfile"] == str(settings.MEDIA_ROOT / lesson_video.media.name)


def test_embedded_mode_still_answers_ranges(settings, client_for, pupil, lesson_video):
    settings.MEDIA_ACCEL = ""
    resp = client_for(_learner(pupil)).get(
        reverse("training:media", args=[lesson_video.pk, "file"]), HTTP_RANGE="bytes=0-9"
    )
    assert resp.status_code == 206 and b"".join(resp.streaming_content) == tiny_video(60)[:10]
    assert "X-Accel-Redirect" not in resp
