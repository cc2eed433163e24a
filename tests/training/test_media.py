"""Lesson media and article images: byte ranges (as a video player asks), headers, and who may
fetch them (learners the lesson is offered to, managers of its unit; 404 for anyone else)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safecampus.core.files.serve import parse_range
from safecampus.training import content
from safecampus.training.models import Lesson, LessonKind

from .manage_samples import k1_content
from .samples import tiny_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def learner(pupil):
    pupil.must_change_password = False
    pupil.save(update_fields=["must_change_password"])
    return pupil


@pytest.fixture
def other_learner(outsider_pupil):
    outsider_pupil.must_change_password = False
    outsider_pupil.save(update_fields=["must_change_password"])
    return outsider_pupil


def body(resp) -> bytes:
    return b"".join(resp.streaming_content)


def file_url(lesson: Lesson, part: str = "file") -> str:
    return reverse("training:media", args=[lesson.pk, part])


def test_url_name_and_argument_order_for_the_learner_pages(video):
    assert file_url(video) == f"/training/manage/media/{video.pk}/file"


def test_whole_file_with_headers(client_for, learner, video):
    data = tiny_video(60)
    resp = client_for(learner).get(file_url(video))
    assert resp.status_code == 200 and resp.streaming
    assert body(resp) == data
    assert resp["Content-Type"] == "video/mp4"
    assert resp["Content-Length"] == str(len(data))
    assert resp["Accept-Ranges"] == "bytes"
    assert resp["Content-Disposition"].startswith("inline")
    assert resp["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=-100", -100, None),
        ("bytes=500-", 500, None),
    ],
)
def test_ranges(client_for, learner, video, header, start, end):
    data = tiny_video(60)
    size = len(data)
    resp = client_for(learner).get(file_url(video), HTTP_RANGE=header)
    assert resp.status_code == 206
    expected = data[start : (end + 1 if end is not None else None)]
    got = body(resp)
    assert got == expected
    first = start if start >= 0 else size + start
    assert resp["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{size}"
    assert resp["Content-Length"] == str(len(expected))


def test_range_past_the_end_is_clipped_and_beyond_is_416(client_for, learner, video):
    size = len(tiny_video(60))
    c = client_for(learner)
    resp = c.get(file_url(video), HTTP_RANGE=f"bytes={size - 10}-{size + 1000}")
    assert resp.status_code == 206 and len(body(resp)) == 10
    resp = c.get(file_url(video), HTTP_RANGE=f"bytes={size}-")
    assert resp.status_code == 416 and resp["Content-Range"] == f"bytes */{size}"
    assert c.get(file_url(video), HTTP_RANGE="bytes=-0").status_code == 416


def test_malformed_or_multiple_ranges_send_the_whole_file(client_for, learner, video):
    c = client_for(learner)
    for header in ("bytes=abc", "items=0-1", "bytes=0-1,5-6", "bytes=9-3"):
        resp = c.get(file_url(video), HTTP_RANGE=header)
        assert resp.status_code == 200, header
        b"".join(resp.streaming_content)  # read it all (closing it by hand would end the test's connection)


def test_if_range_with_a_stale_etag_sends_the_whole_file(client_for, learner, video):
    c = client_for(learner)
    etag = c.get(file_url(video))["ETag"]
    assert c.get(file_url(video), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag).status_code == 206
    assert c.get(file_url(video), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"').status_code == 200
    assert c.get(file_url(video), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_parse_range_units():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-20", 10) == (0, 9)
    assert parse_range("bytes=10-", 10) is False
    assert parse_range("", 10) is None
    assert parse_range("bytes=-", 10) is None


def test_poster_and_pdf(client_for, learner, video, course, operator):
    from .samples import tiny_pdf

    c = client_for(learner)
    resp = c.get(file_url(video, "poster"))
    assert resp.status_code == 200 and resp["Content-Type"] in ("image/jpeg", "image/png")
    assert body(resp)[:3] in (b"\xff\xd8\xff", b"\x89PN")
    doc = content.create_lesson(
        course, actor=operator, kind=LessonKind.DOCUMENT, title="PDF", media=tiny_pdf(1), duration_s=60
    )
    resp = c.get(file_url(doc))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["X-Frame-Options"] == "SAMEORIGIN"  # the lesson page shows it in a frame
    assert body(resp).startswith(b"%PDF-")
    assert c.get(file_url(doc, "poster")).status_code == 404  # a document has no poster
    assert c.get(file_url(doc, "other")).status_code == 404


def test_scoping(client, client_for, learner, other_learner, county, outsider, head_teacher):
    ids = k1_content()  # published content of demo-c1-k1
    lesson = Lesson.objects.get(pk=ids["lesson_id"])
    url = file_url(lesson)
    assert client_for(learner).get(url).status_code == 200  # a pupil of a school in the county
    assert client_for(county).get(url).status_code == 200  # its manager
    assert client_for(head_teacher).get(url).status_code == 200  # staff of a school in the county
    assert client_for(other_learner).get(url).status_code == 404  # the sibling county's pupil
    assert client_for(outsider).get(url).status_code == 404  # the sibling county's officer
    assert client.get(url).status_code == 302  # not logged in: to the login page
    assert client_for(learner).post(url).status_code == 405
    assert client_for(learner).get(reverse("training:media", args=[999999, "file"])).status_code == 404


def test_drafts_only_for_their_managers(client_for, learner, county):
    ids = k1_content()
    lesson = Lesson.objects.get(pk=ids["lesson_id"])
    content.change_course_status(lesson.course, "unpublish", actor=county)
    assert client_for(learner).get(file_url(lesson)).status_code == 404
    assert client_for(county).get(file_url(lesson)).status_code == 200


def test_article_images(client_for, learner, other_learner, county):
    ids = k1_content()
    url = reverse("training:image", args=[ids["image_id"]])
    resp = client_for(learner).get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"  # re-encoded (no alpha)
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert body(resp).startswith(b"\xff\xd8\xff")
    assert client_for(learner).get(url, HTTP_RANGE="bytes=0-3").status_code == 206
    assert client_for(county).get(url).status_code == 200
    assert client_for(other_learner).get(url).status_code == 404


def test_head_request_has_the_headers_and_no_body(client_for, learner, video):
    resp = client_for(learner).head(file_url(video), HTTP_RANGE="bytes=0-9")
    assert resp.status_code == 206 and resp["Content-Range"].startswith("bytes 0-9/")
    assert resp["Content-Length"] == "10"
