"""Content management through the pages, as a manager would use them: campaign → themes and
stages → course → lessons (video, article with an image, PDF) → questions → publish; form
errors that change nothing; uploads checked by content; who may manage what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safecampus.core.models import Unit
from safecampus.core.policy import load_policy
from safecampus.training import content
from safecampus.training.models import (
    Campaign,
    ContentStatus,
    Course,
    Lesson,
    LessonImage,
    LessonKind,
    LessonRevision,
    Question,
)
from safecampus.training.progress_models import LessonProgress

from .manage_samples import k1_content, snapshot
from .samples import png_bytes, tiny_pdf, tiny_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def campaign_data(**over) -> dict:
    data = {
        "title": "东港区2026年安全教育",
        "title_en": "Safety education 2026",
        "description": "全区中小学",
        "school_year": "2026",
        "starts_on": "2026-09-01",
        "ends_on": "2027-07-15",
        "pass_mark": "",
    }
    data.update(over)
    return data


def make_campaign(c) -> Campaign:
    resp = c.post(reverse("training:campaign_new"), campaign_data())
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return Campaign.objects.latest("pk")


def test_full_flow_campaign_to_published_course(client_for, county, county_unit):
    c = client_for(county)
    assert c.get(reverse("training:manage")).status_code == 200
    campaign = make_campaign(c)
    assert campaign.unit == county_unit and campaign.pass_mark == 80  # the policy's default
    assert c.get(reverse("training:campaign", args=[campaign.pk])).status_code == 200

    theme_url = reverse("training:theme", args=[campaign.pk])
    assert (
        c.post(
            theme_url, {"key": "drowning", "name": "防溺水", "name_en": "Drowning", "order": "0"}
        ).status_code
        == 302
    )
    assert (
        c.post(theme_url + "?key=drowning", {"name": "防溺水安全", "name_en": "", "order": "1"}).status_code
        == 302
    )
    assert campaign.themes.get().name == "防溺水安全"
    stage_url = reverse("training:stage", args=[campaign.pk])
    resp = c.post(
        stage_url,
        {
            "number": "1",
            "title": "第一阶段",
            "starts_on": "2026-09-01",
            "ends_on": "2026-10-31",
            "themes": ["drowning"],
        },
    )
    assert resp.status_code == 302
    assert list(campaign.stages.get().themes.values_list("key", flat=True)) == ["drowning"]

    resp = c.post(
        reverse("training:course_new", args=[campaign.pk]),
        {
            "title": "珍爱生命 预防溺水",
            "title_en": "Prevent drowning",
            "key": "drowning-basics",
            "summary": "",
            "audiences": ["student", "parent"],
            "school_types": ["primary"],
            "grade_min": "1",
            "grade_max": "6",
            "stage": "1",
            "theme": "drowning",
            "order": "0",
        },
    )
    assert resp.status_code == 302
    course = Course.objects.get(key="drowning-basics")
    assert course.unit == county_unit and course.stage.number == 1 and course.theme.key == "drowning"
    assert (course.grade_min, course.grade_max, course.school_types) == (1, 6, ["primary"])

    new_lesson = reverse("training:lesson_new", args=[course.pk])
    for kind in ("video", "article", "document"):
        assert c.get(new_lesson + f"?kind={kind}").status_code == 200
    resp = c.post(
        new_lesson + "?kind=video",
        {"title": "视频", "title_en": "", "order": "0", "file": upload("v.mp4", tiny_video(12), "video/mp4")},
    )
    assert resp.status_code == 302
    video = course.lessons.get(kind=LessonKind.VIDEO)
    assert video.duration_s == 12 and video.media_type == "video/mp4" and video.poster  # poster from a frame

    resp = c.post(reverse("training:image_upload", args=[course.pk]), {"image": upload("p.png", png_bytes())})
    assert resp.status_code == 200
    image_url = resp.json()["url"]
    body = f'<h2>六不准</h2><p>不私自下水。</p><p><img src="{image_url}" alt=""></p><script>alert(1)</script>'
    resp = c.post(
        new_lesson + "?kind=article", {"title": "读一读", "body_html": body, "minutes": "3", "order": "1"}
    )
    assert resp.status_code == 302
    article = course.lessons.get(kind=LessonKind.ARTICLE)
    assert (
        article.duration_s == 180 and "<script>" not in article.body_html and image_url in article.body_html
    )
    assert LessonImage.objects.get().lesson == article  # claimed by the article that shows it

    resp = c.post(
        new_lesson + "?kind=document",
        {
            "title": "告家长书",
            "minutes": "4",
            "order": "2",
            "file": upload("a.pdf", tiny_pdf(2), "application/pdf"),
        },
    )
    assert resp.status_code == 302
    doc = course.lessons.get(kind=LessonKind.DOCUMENT)
    assert doc.page_count == 2 and doc.media_type == "application/pdf"

    q_url = reverse("training:question_new", args=[course.pk])
    questions = [
        {
            "kind": "single",
            "text": "有人落水怎么办？",
            "choice_0": "大声呼救",
            "choice_1": "跳下去救",
            "answer": ["0"],
        },
        {
            "kind": "multiple",
            "text": "哪里不能游泳？",
            "choice_0": "水库",
            "choice_1": "河塘",
            "choice_2": "泳池",
            "answer": ["0", "1"],
            "explanation": "野外水域危险。",
        },
        {"kind": "true_false", "text": "可以独自去河边玩。", "answer": ["1"]},
    ]
    for data in questions:
        assert c.post(q_url, {"order": "0", **data}).status_code == 302
    single, multiple, true_false = course.questions.order_by("pk")
    assert single.answer == [0] and multiple.answer == [0, 1] and true_false.choices == ["True", "False"]
    assert true_false.answer == [1] and multiple.explanation == "野外水域危险。"
    resp = c.post(
        reverse("training:question_edit", args=[single.pk]),
        {
            "kind": "single",
            "text": "有人落水怎么办？",
            "choice_0": "跳下去救",
            "choice_2": "大声呼救",
            "answer": ["2"],
            "order": "0",
        },
    )
    assert resp.status_code == 302
    single.refresh_from_db()
    assert single.choices == ["跳下去救", "大声呼救"] and single.answer == [1]  # empty slot left out
    assert c.post(reverse("training:question_active", args=[multiple.pk]), {"active": "0"}).status_code == 302
    assert not Question.objects.get(pk=multiple.pk).is_active

    assert (
        c.post(
            reverse("training:quiz_settings", args=[course.pk]), {"question_count": "2", "attempts_limit": ""}
        ).status_code
        == 302
    )
    assert course.quiz.question_count == 2 and course.quiz.attempts_limit is None
    page = c.get(reverse("training:course", args=[course.pk])).content.decode()
    assert "Question bank" in page and "读一读" in page

    assert (
        c.post(reverse("training:course_status", args=[course.pk]), {"action": "publish"}).status_code == 302
    )
    assert (
        c.post(reverse("training:campaign_status", args=[campaign.pk]), {"action": "publish"}).status_code
        == 302
    )
    course.refresh_from_db()
    campaign.refresh_from_db()
    assert course.status == campaign.status == ContentStatus.PUBLISHED


def test_editing_a_published_lesson_makes_a_version_and_keeps_progress(client_for, county, pupil):
    ids = k1_content()
    lesson = Lesson.objects.get(course_id=ids["course_id"], kind=LessonKind.ARTICLE)
    progress = LessonProgress(
        learner=pupil, lesson=lesson, course=lesson.course, audience="student", credited_s=30
    )
    progress.set_unit(lesson.unit)
    progress.save()
    c = client_for(county)
    edit = reverse("training:lesson_edit", args=[lesson.pk])
    assert "version 1" in c.get(edit).content.decode()
    resp = c.post(
        edit,
        {
            "title": "东港区文章（修订）",
            "title_en": "",
            "body_html": "<p>新的内容</p>",
            "minutes": "1",
            "order": "1",
        },
    )
    assert resp.status_code == 302
    lesson.refresh_from_db()
    assert lesson.version == 2 and lesson.body_html == "<p>新的内容</p>"
    rev = LessonRevision.objects.get(lesson=lesson)
    assert rev.version == 1 and rev.title == "东港区文章"
    assert LessonProgress.objects.get(pk=progress.pk).credited_s == 30
    page = c.get(edit).content.decode()
    assert "version 2" in page and "东港区文章" in page  # the old version is listed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on", "The end date is before the start date."),
        ({"title": ""}, "title", "This field is required."),
        ({"school_year": "1999"}, "school_year", "Ensure this value is greater than or equal to 2000."),
        ({"pass_mark": "120"}, "pass_mark", "Ensure this value is less than or equal to 100."),
    ],
)
def test_campaign_form_errors_change_nothing(client_for, county, data, field, message):
    before = snapshot()
    resp = client_for(county).post(reverse("training:campaign_new"), campaign_data(**data))
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert f'id="id_{field}_error"' in resp.content.decode()
    assert snapshot() == before


@pytest.fixture
def draft_course(county, county_unit) -> Course:
    campaign = content.create_campaign(
        county_unit,
        actor=county,
        title="草稿专题",
        school_year=2026,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 7, 1),
    )
    return content.create_course(campaign, county_unit, actor=county, title="草稿课程", audiences=["staff"])


def test_png_named_mp4_is_refused_by_content(client_for, county, draft_course):
    before = snapshot()
    resp = client_for(county).post(
        reverse("training:lesson_new", args=[draft_course.pk]) + "?kind=video",
        {"title": "假视频", "order": "0", "file": upload("fake.mp4", png_bytes(), "video/mp4")},
    )
    assert resp.status_code == 200
    assert "This file is not an MP4 or WebM video." in resp.content.decode()
    assert snapshot() == before


def test_oversized_video_is_refused_and_nothing_stored(client_for, county, operator, draft_course):
    province = Unit.objects.get(code="demo")
    load_policy(
        province,
        {"training": {"max_video_mb": 1}},
        actor=operator,
        version="t1",
        effective_from=dt.date(2020, 1, 1),
    )
    big = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (1024 * 1024 + 10)
    before = snapshot()
    resp = client_for(county).post(
        reverse("training:lesson_new", args=[draft_course.pk]) + "?kind=video",
        {"title": "太大", "order": "0", "file": upload("big.mp4", big, "video/mp4")},
    )
    assert "The video is larger than 1 MB." in resp.content.decode()
    assert snapshot() == before


def test_pdf_that_is_not_a_pdf_and_article_without_text(client_for, county, draft_course):
    c = client_for(county)
    before = snapshot()
    url = reverse("training:lesson_new", args=[draft_course.pk])
    resp = c.post(
        url + "?kind=document", {"title": "x", "minutes": "2", "file": upload("a.pdf", tiny_video(12))}
    )
    assert "This file is not a PDF document." in resp.content.decode()
    resp = c.post(url + "?kind=article", {"title": "x", "minutes": "2", "body_html": "<script>x</script>"})
    assert "The article has no text." in resp.content.decode()
    resp = c.post(
        reverse("training:image_upload", args=[draft_course.pk]), {"image": upload("x.png", b"not an image")}
    )
    assert resp.status_code == 400 and resp.json()["error"] == "This file is not an image that can be opened."
    assert snapshot() == before


def test_question_errors(client_for, county, draft_course):
    c = client_for(county)
    url = reverse("training:question_new", args=[draft_course.pk])
    cases = [
        ({"kind": "single", "text": "问", "choice_0": "甲", "choice_1": "乙"}, "Mark the right answer."),
        (
            {"kind": "single", "text": "问", "choice_0": "甲", "answer": ["0"]},
            "Give between 2 and 8 choices.",
        ),
        (
            {"kind": "single", "text": "问", "choice_0": "甲", "choice_1": "乙", "answer": ["0", "1"]},
            "This kind of question has exactly one right answer.",
        ),
        (
            {"kind": "multiple", "text": "问", "choice_0": "甲", "choice_1": "乙", "answer": ["0"]},
            "A multiple-choice question has at least two right answers.",
        ),
        (
            {"kind": "single", "text": "问", "choice_0": "甲", "choice_1": "乙", "answer": ["3"]},
            "Choice 4 is marked right but is empty.",
        ),
        (
            {"kind": "single", "text": "", "choice_0": "甲", "choice_1": "乙", "answer": ["0"]},
            "This field is required.",
        ),
    ]
    for data, message in cases:
        resp = c.post(url, {"order": "0", **data})
        assert resp.status_code == 200 and message in resp.content.decode(), message
    assert not Question.objects.filter(course=draft_course).exists()


def test_publishing_an_empty_course_is_refused(client_for, county, draft_course):
    resp = client_for(county).post(
        reverse("training:course_status", args=[draft_course.pk]), {"action": "publish"}, follow=True
    )
    assert "Add at least one lesson before publishing the course." in resp.content.decode()
    draft_course.refresh_from_db()
    assert draft_course.status == ContentStatus.DRAFT


def test_unknown_status_action_is_an_error_not_a_crash(client_for, county, draft_course):
    resp = client_for(county).post(
        reverse("training:campaign_status", args=[draft_course.campaign_id]),
        {"action": "explode"},
        follow=True,
    )
    assert resp.status_code == 200 and "Unknown action." in resp.content.decode()


# -- who may manage what ----------------------------------------------------------------------
def k1_urls(ids: dict[str, int]) -> list[str]:
    return [
        reverse("training:campaign", args=[ids["campaign_id"]]),
        reverse("training:campaign_edit", args=[ids["campaign_id"]]),
        reverse("training:theme", args=[ids["campaign_id"]]),
        reverse("training:stage", args=[ids["campaign_id"]]),
        reverse("training:course_new", args=[ids["campaign_id"]]),
        reverse("training:package_into", args=[ids["campaign_id"]]),
        reverse("training:course", args=[ids["course_id"]]),
        reverse("training:course_edit", args=[ids["course_id"]]),
        reverse("training:lesson_new", args=[ids["course_id"]]) + "?kind=video",
        reverse("training:lesson_edit", args=[ids["lesson_id"]]),
        reverse("training:question_new", args=[ids["course_id"]]),
        reverse("training:question_edit", args=[ids["question_id"]]),
    ]


def test_sibling_county_gets_404_everywhere(client_for, outsider, outsider_principal):
    ids = k1_content()
    before = snapshot()
    for user in (outsider, outsider_principal):
        c = client_for(user)
        for url in k1_urls(ids):
            assert c.get(url).status_code == 404, url
            assert c.post(url, {"title": "x", "action": "archive"}).status_code == 404, url
        for name, key in (
            ("campaign_status", "campaign_id"),
            ("course_status", "course_id"),
            ("quiz", "course_id"),
            ("image_upload", "course_id"),
            ("question_active", "question_id"),
        ):
            assert (
                c.post(reverse(f"training:{name}", args=[ids[key]]), {"action": "archive"}).status_code == 404
            )
        page = c.get(reverse("training:manage")).content.decode()
        assert "东港区" not in page
    assert snapshot() == before


def test_learners_and_head_teachers_cannot_manage(client_for, head_teacher, pupil, parent_of_pupil):
    ids = k1_content()
    for user in (head_teacher, pupil, parent_of_pupil):
        user.must_change_password = False  # imported accounts start with a forced change
        user.save(update_fields=["must_change_password"])
        c = client_for(user)
        assert c.get(reverse("training:manage")).status_code == 403
        assert c.get(reverse("training:campaign_new")).status_code == 403
        assert c.get(reverse("training:package_new")).status_code == 403
        for url in k1_urls(ids):
            assert c.get(url).status_code == 403, url


def test_school_adds_its_own_course_to_the_county_campaign(
    client_for, school_admin, county, outsider, school
):
    ids = k1_content()
    c = client_for(school_admin)
    listing = c.get(reverse("training:manage")).content.decode()
    assert "东港区安全教育专题" in listing and "offered to you" in listing
    page = c.get(reverse("training:campaign", args=[ids["campaign_id"]])).content.decode()
    assert "东港区消防安全课" in page and "Courses from above" in page
    assert (
        c.get(reverse("training:campaign_edit", args=[ids["campaign_id"]])).status_code == 404
    )  # not theirs
    assert c.get(reverse("training:course", args=[ids["course_id"]])).status_code == 404
    resp = c.post(
        reverse("training:course_new", args=[ids["campaign_id"]]),
        {"title": "本校防溺水", "audiences": ["student"], "theme": "fire", "order": "0"},
    )
    assert resp.status_code == 302
    own = Course.objects.get(title="本校防溺水")
    assert own.unit == school and own.campaign_id == ids["campaign_id"]
    assert c.get(reverse("training:course", args=[own.pk])).status_code == 200
    # The county sees and manages the school's course; the sibling county does not see it.
    assert client_for(county).get(reverse("training:course", args=[own.pk])).status_code == 200
    assert client_for(outsider).get(reverse("training:course", args=[own.pk])).status_code == 404


def test_a_draft_campaign_is_not_offered_below(client_for, school_admin, draft_course):
    c = client_for(school_admin)
    assert c.get(reverse("training:campaign", args=[draft_course.campaign_id])).status_code == 404
    assert "草稿专题" not in c.get(reverse("training:manage")).content.decode()


def test_campaign_list_query_count_is_pinned(client_for, county, django_assert_max_num_queries):
    k1_content()
    c = client_for(county)
    c.get(reverse("training:manage"))
    with django_assert_max_num_queries(14):
        assert c.get(reverse("training:manage")).status_code == 200


def test_pages_render_in_chinese(client_for, county):
    ids = k1_content()
    c = client_for(county)
    c.cookies["django_language"] = "zh-hans"
    for url in [
        reverse("training:manage"),
        *k1_urls(ids)[:4],
        reverse("training:course", args=[ids["course_id"]]),
    ]:
        resp = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert resp.status_code == 200, url
        assert '<html lang="zh-hans">' in resp.content.decode()


def test_edit_campaign_and_course_and_change_status(client_for, county, county_unit):
    ids = k1_content()
    c = client_for(county)
    url = reverse("training:campaign_edit", args=[ids["campaign_id"]])
    assert 'value="东港区安全教育专题"' in c.get(url).content.decode()
    resp = c.post(url, campaign_data(title="东港区安全教育专题（修订）", pass_mark="90"))
    assert resp.status_code == 302
    campaign = Campaign.objects.get(pk=ids["campaign_id"])
    assert campaign.title == "东港区安全教育专题（修订）" and campaign.pass_mark == 90
    url = reverse("training:course_edit", args=[ids["course_id"]])
    assert c.get(url).status_code == 200
    resp = c.post(
        url,
        {
            "title": "东港区消防课",
            "audiences": ["staff"],
            "grade_min": "3",
            "grade_max": "2",
            "theme": "fire",
        },
    )
    assert "The first grade is above the last one." in resp.content.decode()
    assert Course.objects.get(pk=ids["course_id"]).title == "东港区消防安全课"  # nothing written
    resp = c.post(url, {"title": "东港区消防课", "audiences": ["staff"], "theme": "", "order": "2"})
    assert resp.status_code == 302
    course = Course.objects.get(pk=ids["course_id"])
    assert (course.title, course.audiences, course.theme, course.order) == (
        "东港区消防课",
        ["staff"],
        None,
        2,
    )
    status = reverse("training:course_status", args=[course.pk])
    c.post(status, {"action": "archive"})
    assert Course.objects.get(pk=course.pk).status == ContentStatus.ARCHIVED
    resp = c.post(status, {"action": "archive"}, follow=True)
    assert "This cannot be done while the item is “Archived”." in resp.content.decode()
    c.post(status, {"action": "publish"})
    c.post(status, {"action": "unpublish"})
    assert Course.objects.get(pk=course.pk).status == ContentStatus.DRAFT
    page = c.get(reverse("training:course", args=[course.pk])).content.decode()
    assert "History" in page and "Course updated" in page and "Archived" in page  # the audit trail


def test_course_page_query_count_is_pinned(client_for, county, django_assert_max_num_queries):
    ids = k1_content()
    c = client_for(county)
    url = reverse("training:course", args=[ids["course_id"]])
    c.get(url)
    with django_assert_max_num_queries(16):
        assert c.get(url).status_code == 200
