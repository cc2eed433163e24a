"""The demo's training content and progress: the manifest is a valid content package, the video is a
real H.264 MP4, loading is idempotent, and the demo learners' progress is exactly what the crediting
rule gives for the stored heartbeats."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from collections import defaultdict

import pytest
import yaml
from PIL import Image

from safecampus.accounts.models import User
from safecampus.core.files import checks as media
from safecampus.core.files.html import sanitise_html
from safecampus.core.models import AuditEvent, SchoolType, Unit
from safecampus.core.policy import policy_for
from safecampus.roster.models import Guardian
from safecampus.training import demo as training_demo
from safecampus.training import demo_progress, demo_video
from safecampus.training.credit import Beat, Rules, credit_timeline, lesson_totals
from safecampus.training.heartbeats import BeatIn, record_heartbeats
from safecampus.training.learner import learner_of, learners_of
from safecampus.training.models import (
    Audience,
    Campaign,
    ContentStatus,
    Course,
    Lesson,
    LessonKind,
    Question,
    QuestionKind,
)
from safecampus.training.progress_models import (
    CourseProgress,
    Heartbeat,
    LearnerClock,
    LearningDay,
    LessonProgress,
    QuizAttempt,
)
from safecampus.training.quizzes import score_of

from ..roster.schoolyear_setup import import_rows

WINDOW = demo_progress.Window(dt.date(2026, 10, 12), dt.date(2026, 11, 22))
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _text(html: str) -> str:
    return re.sub(r"\s", "", re.sub(r"<[^>]+>", "", html))


# -- the manifest ---------------------------------------------------------------------------
def test_manifest_is_a_content_package_with_the_three_main_themes():
    data = training_demo.manifest()
    assert data["format"] == "safecampus-training/1"
    spec = data["campaign"]
    assert spec["title"] and spec["title_en"] and spec["school_year"] == 2026
    assert dt.date(2026, 9, 1) <= spec["starts_on"] < spec["ends_on"]
    themes = {t["key"] for t in data["themes"]}
    assert {"drowning", "fire", "traffic"} <= themes
    assert all(t["name"] and t["name_en"] for t in data["themes"])
    assert {s["number"] for s in data["stages"]} == {1, 2}
    for stage in data["stages"]:
        assert set(stage["themes"]) <= themes and stage["starts_on"] <= stage["ends_on"]
        assert spec["starts_on"] <= stage["starts_on"] and stage["ends_on"] <= spec["ends_on"]
    keys = [c["key"] for c in data["courses"]]
    assert len(keys) == len(set(keys)) and 8 <= len(keys) <= 12
    covered = {a for c in data["courses"] for a in c["audiences"]}
    assert covered == set(Audience.values)


@pytest.mark.parametrize("course", training_demo.manifest()["courses"], ids=lambda c: c["key"])
def test_every_course_has_lessons_and_a_quiz_of_ten_valid_questions(course):
    stages = {s["number"] for s in training_demo.manifest()["stages"]}
    assert course["title"] and course["title_en"] and course["summary"]
    assert course["theme"] in {t["key"] for t in training_demo.manifest()["themes"]}
    assert course["stage"] in stages
    assert set(course["audiences"]) <= set(Audience.values)
    assert set(course.get("school_types", [])) <= set(SchoolType.values)
    assert 1 <= len(course["lessons"]) <= 3
    for lesson in course["lessons"]:
        assert lesson["kind"] in LessonKind.values and lesson["title"] and lesson["title_en"]
        if lesson["kind"] == LessonKind.ARTICLE:
            body = sanitise_html(lesson["body"])
            assert "<h2>" in body and "<p>" in body
            assert 400 <= len(_text(body)) <= 900, lesson["title"]
            assert 120 <= lesson["duration_s"] <= 600
        else:
            assert lesson["file"] in training_demo.demo_media()
            assert lesson.get("poster") in training_demo.demo_media()
    quiz = course["quiz"]
    assert quiz["question_count"] == 10 and len(quiz["questions"]) >= 10
    kinds = set()
    for q in quiz["questions"]:
        kinds.add(q["kind"])
        choices, answer = q["choices"], q["answer"]
        assert q["text"] and q["explanation"] and len(set(choices)) == len(choices) >= 2
        assert answer == sorted(set(answer)) and all(0 <= a < len(choices) for a in answer)
        if q["kind"] == QuestionKind.TRUE_FALSE:
            assert choices == ["正确", "错误"] and len(answer) == 1
        elif q["kind"] == QuestionKind.SINGLE:
            assert len(answer) == 1
        else:
            assert q["kind"] == QuestionKind.MULTIPLE and len(answer) >= 2
    assert kinds == set(QuestionKind.values)


def test_students_teachers_and_parents_have_quizzes_on_the_main_themes():
    courses = training_demo.manifest()["courses"]
    for audience, themes in [
        (Audience.STUDENT, {"drowning", "fire", "traffic"}),
        (Audience.STAFF, {"drowning", "fire", "traffic"}),
        (Audience.PARENT, {"drowning", "traffic"}),
    ]:
        assert {c["theme"] for c in courses if audience in c["audiences"] and c.get("quiz")} >= themes
    primary = {c["theme"] for c in courses if "student" in c["audiences"] and c.get("grade_min") == 1}
    junior = {c["theme"] for c in courses if "student" in c["audiences"] and (c.get("grade_max") or 0) >= 9}
    assert {"drowning", "fire", "traffic"} <= primary and {"drowning", "fire", "traffic"} <= junior


def test_the_package_zip_holds_the_manifest_and_every_file_it_names():
    with zipfile.ZipFile(io.BytesIO(training_demo.package_zip())) as zf:
        names = set(zf.namelist())
        assert yaml.safe_load(zf.read("manifest.yaml")) == training_demo.manifest()
    lessons = [lesson for c in training_demo.manifest()["courses"] for lesson in c["lessons"]]
    named = {lesson[k] for lesson in lessons for k in ("file", "poster") if lesson.get(k)}
    assert named and named <= names


# -- the video ------------------------------------------------------------------------------
def test_the_generated_video_is_an_h264_mp4_of_the_expected_length(tmp_path):
    data = training_demo.demo_media()[training_demo.VIDEO_FILE]
    checked = media.check_video(data, limit_mb=10)
    assert checked.content_type == "video/mp4"
    assert checked.duration_s == demo_video.total_seconds() and 40 <= checked.duration_s <= 60
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while it downloads
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    info = subprocess.run([media.ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True).stderr
    assert b"h264" in info and b"yuv420p" in info and b"640x360" in info
    poster = Image.open(io.BytesIO(training_demo.demo_media()[training_demo.POSTER_FILE]))
    assert poster.format == "JPEG" and poster.size == (demo_video.WIDTH, demo_video.HEIGHT)


def test_the_video_falls_back_to_english_cards_without_a_cjk_font(monkeypatch):
    demo_video.cjk_font_path.cache_clear()
    monkeypatch.setattr(demo_video, "cjk_font_path", lambda: None)
    image = demo_video.render_card(demo_video.CARDS[1])
    assert image.size == (demo_video.WIDTH, demo_video.HEIGHT)
    assert len(set(image.getdata())) > 2  # some text was drawn


# -- loading ------------------------------------------------------------------------------------
@pytest.fixture
def demo_campaign(demo) -> Campaign:
    """The demo campaign (the test session's demo load made it, unless SAFECAMPUS_DEMO_TRAINING=0)."""
    return training_demo.load_training_demo(progress=False)


@pytest.mark.django_db
def test_the_content_is_created_through_the_services_and_published(demo_campaign, operator):
    campaign = demo_campaign
    assert campaign.unit.code == "demo" and campaign.status == ContentStatus.PUBLISHED
    courses = Course.objects.filter(campaign=campaign)
    assert courses.count() == len(training_demo.manifest()["courses"])
    assert set(courses.values_list("status", flat=True)) == {ContentStatus.PUBLISHED}
    assert AuditEvent.objects.filter(verb="training.course_publish").count() >= courses.count()
    for spec in training_demo.manifest()["courses"]:
        course = courses.get(key=spec["key"])
        assert [(lesson.title, lesson.kind) for lesson in course.lessons.order_by("order")] == [
            (lesson["title"], lesson["kind"]) for lesson in spec["lessons"]
        ]
        assert course.quiz.question_count == 10
        assert Question.objects.filter(course=course).count() == len(spec["quiz"]["questions"])
    video = Lesson.objects.get(
        course__campaign=campaign, course__key=training_demo.E2E_COURSE_KEY, kind=LessonKind.VIDEO
    )
    assert video.duration_s == demo_video.total_seconds() and video.media_type == "video/mp4"
    assert video.media.size > 0 and video.poster.name.endswith(".jpg")
    article = Lesson.objects.filter(course__campaign=campaign, kind=LessonKind.ARTICLE).first()
    assert "<script" not in article.body_html and "<h2>" in article.body_html


@pytest.mark.django_db
def test_loading_twice_changes_nothing(demo_campaign):
    def counts() -> tuple[int, ...]:
        models = (Campaign, Course, Lesson, Question, Heartbeat, LessonProgress, CourseProgress, QuizAttempt)
        return (*(m.objects.count() for m in models), AuditEvent.objects.count())

    before = counts()
    assert training_demo.load_training_demo(progress=False) == demo_campaign
    assert counts() == before
    assert demo_progress.load_progress(demo_campaign, window=WINDOW) > 0  # the named staff accounts
    after = counts()
    assert after[:4] == before[:4] and after[4] > 0
    assert demo_progress.load_progress(demo_campaign, window=WINDOW) == 0
    assert training_demo.load_training_demo() == demo_campaign
    assert counts() == after


def test_the_demo_step_follows_its_switches(monkeypatch):
    from safecampus import demo as region_demo

    calls = []
    monkeypatch.setattr(training_demo, "load_training_demo", lambda **kw: calls.append(kw))
    monkeypatch.setenv("SAFECAMPUS_DEMO_TRAINING", "0")
    region_demo._training()
    assert calls == []
    monkeypatch.setenv("SAFECAMPUS_DEMO_TRAINING", "1")
    monkeypatch.setenv("SAFECAMPUS_DEMO_ROSTER", "0")
    region_demo._training()
    monkeypatch.setenv("SAFECAMPUS_DEMO_ROSTER", "1")
    region_demo._training()
    assert calls == [{"progress": False}, {"progress": True}]
    assert region_demo._training in region_demo.STEPS
    assert region_demo.STEPS.index(region_demo._training) > region_demo.STEPS.index(region_demo._roster)


# -- progress -----------------------------------------------------------------------------------
@pytest.fixture
def small_roster(demo, operator) -> list[User]:
    """Pupils of 三年级 (two classes) and 七年级 in the first county, with demo_student and demo_parent."""
    primary = import_rows(Unit.objects.get(code="demo-c1-k1-s1"), operator, "三年级", 12, classes=2)
    junior = import_rows(Unit.objects.get(code="demo-c1-k1-s2"), operator, "七年级", 8)
    first = min(primary, key=lambda s: s.pk)
    User.objects.filter(pk=first.user_id).update(username="demo_student")
    parent = Guardian.objects.filter(student=first).first().parent
    User.objects.filter(pk=parent.pk).update(username="demo_parent")
    return [s.user for s in primary + junior]


def _recount_matches(campaign: Campaign) -> None:
    rules = Rules.from_policy(policy_for(campaign.unit))
    lengths = dict(Lesson.objects.values_list("pk", "duration_s"))
    beats, stored = defaultdict(list), {}
    for learner, cid, lesson, position, at, credit in Heartbeat.objects.values_list(
        "learner_id", "client_id", "lesson_id", "position_s", "at", "credit_s"
    ):
        beats[learner].append(Beat(at, cid, lesson, position))
        stored[(learner, at, cid)] = credit
    rows = {(r.learner_id, r.lesson_id): r for r in LessonProgress.objects.all()}
    assert beats and rows
    for learner, items in beats.items():
        totals = lesson_totals(items, rules, lengths)
        assert {lesson: rows[(learner, lesson)].credited_s for lesson in totals} == pytest.approx(totals)
        for key, credit in credit_timeline(items, rules).items():
            assert stored[(learner, *key)] == pytest.approx(credit)
    days = defaultdict(float)
    for learner, lesson, seconds in LearningDay.objects.values_list("learner_id", "lesson_id", "credited_s"):
        days[(learner, lesson)] += seconds
    assert {k: r.credited_s for k, r in rows.items()} == pytest.approx(dict(days))
    for course in CourseProgress.objects.select_related("course"):
        mine = [
            r
            for (learner, _), r in rows.items()
            if learner == course.learner_id and r.course_id == course.course_id
        ]
        assert course.credited_s == pytest.approx(sum(r.credited_s for r in mine))
        assert course.lessons_completed == sum(1 for r in mine if r.completed_at)
        attempts = QuizAttempt.objects.filter(learner_id=course.learner_id, quiz__course=course.course)
        assert course.best_score == max((a.score for a in attempts), default=None)
        all_done = course.lessons_completed == course.course.lessons.count()
        assert (course.completed_at is not None) == (all_done and course.passed_at is not None)
    for attempt in QuizAttempt.objects.all():
        questions = list(Question.objects.filter(pk__in=attempt.question_ids))
        assert attempt.score == score_of(questions, attempt.answers) and len(questions) == 10
        assert attempt.passed == (attempt.score >= campaign.pass_mark)


@pytest.mark.django_db
def test_demo_progress_equals_a_recount_of_its_heartbeats(demo_campaign, small_roster):
    learners = demo_progress.load_progress(demo_campaign, window=WINDOW)
    assert learners >= 10
    _recount_matches(demo_campaign)
    pupils = {u.pk for u in small_roster}
    learning = set(Heartbeat.objects.values_list("learner_id", flat=True))
    assert 0.5 <= len(learning & pupils) / len(pupils) < 1
    first, last = Heartbeat.objects.earliest("at").at, Heartbeat.objects.latest("at").at
    tz = dt.timezone(dt.timedelta(hours=8))
    assert WINDOW.first_day <= first.astimezone(tz).date() and last.astimezone(tz).date() <= WINDOW.last_day
    assert QuizAttempt.objects.filter(passed=True).exists()
    for row in LessonProgress.objects.select_related("lesson"):
        assert row.started_at <= row.last_at  # historical dates kept, not the loading time
        assert row.unit_path.startswith(demo_campaign.unit_path)
    clock = LearnerClock.objects.get(learner__username="demo_teacher")
    assert clock.last_at == Heartbeat.objects.filter(learner=clock.learner).latest("at").at


@pytest.mark.django_db
def test_named_accounts_get_their_plans_and_the_e2e_course_is_left_to_demo_student(
    demo_campaign, small_roster
):
    demo_progress.load_progress(demo_campaign, window=WINDOW)
    student = CourseProgress.objects.filter(learner__username="demo_student")
    assert set(student.values_list("course__key", flat=True)) == {"fire-primary", "traffic-students"}
    assert student.get(course__key="fire-primary").completed_at is not None
    assert not LessonProgress.objects.filter(
        learner__username="demo_student", course__key=training_demo.E2E_COURSE_KEY
    )
    teacher = CourseProgress.objects.get(learner__username="demo_teacher", course__key="staff-fire")
    assert teacher.best_score == 90 and teacher.completed_at is not None
    assert QuizAttempt.objects.filter(learner__username="demo_teacher", passed=False).count() == 1
    assert CourseProgress.objects.filter(learner__username="demo_parent", completed_at__isnull=True).exists()


@pytest.mark.django_db
def test_live_learning_continues_from_the_demo_progress(demo_campaign, small_roster):
    demo_progress.load_progress(demo_campaign, window=WINDOW)
    teacher = User.objects.get(username="demo_teacher")
    article = Lesson.objects.get(course__key="staff-drowning", kind=LessonKind.ARTICLE)
    start = NOW - dt.timedelta(minutes=30)
    beats = [BeatIn(f"live-{i}", article.pk, i * 15, start + dt.timedelta(seconds=15 * i)) for i in range(17)]
    results = record_heartbeats(teacher, beats, now=NOW)
    assert {r.status for r in results} == {"accepted"}
    assert results[-1].completed  # 40 % from the demo plus 240 s now
    _recount_matches(demo_campaign)


@pytest.mark.django_db
def test_the_bulk_learners_are_those_of_learner_of(demo_campaign, small_roster):
    named = ["demo_teacher", "demo_principal", "demo_county", "demo_parent"]
    users = [*small_roster, *User.objects.filter(username__in=named)]
    bulk = learners_of(users)
    for user in users:
        one = learner_of(user)
        mine = bulk[user.pk]
        assert {a: u.pk for a, u in mine.units.items()} == {a: u.pk for a, u in one.units.items()}
        assert (mine.grade_level, mine.school_type) == (one.grade_level, one.school_type)


def test_the_english_lines_of_the_video_need_no_cjk_font():
    assert all(card.english.isascii() for card in demo_video.CARDS)


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_roster_learns_and_demo_student_keeps_the_e2e_course(demo_campaign):
    from safecampus.roster.demo import load_roster

    load_roster()  # three students a class in the test suite (SAFECAMPUS_DEMO_CLASS_SIZE)
    assert training_demo.load_training_demo() == demo_campaign
    _recount_matches(demo_campaign)
    student = User.objects.get(username="demo_student")
    assert CourseProgress.objects.filter(learner=student, course__key="fire-primary", passed_at__isnull=False)
    assert not LessonProgress.objects.filter(learner=student, course__key=training_demo.E2E_COURSE_KEY)
    assert CourseProgress.objects.filter(learner__username="demo_teacher").count() == 2
    assert CourseProgress.objects.filter(learner__username="demo_parent").exists()
    audiences = set(CourseProgress.objects.values_list("audience", flat=True))
    assert audiences == set(Audience.values)
