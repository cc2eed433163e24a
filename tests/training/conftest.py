"""Fixtures of the training tests: a published campaign offered to the demo province, a class of
students with accounts and parents in demo-c1-k1-s1 (head teacher demo_teacher), and a student of
the neighbouring county."""

from __future__ import annotations

import datetime as dt

import pytest

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.roster.models import Guardian, Student
from safecampus.training import content
from safecampus.training.models import Audience, Campaign, Course, Lesson, LessonKind

from ..roster.schoolyear_setup import import_rows
from .samples import tiny_video

ARTICLE = "<h2>防溺水“六不”</h2><p>不私自下水游泳。</p><script>alert(1)</script>"


@pytest.fixture
def pupils(demo, operator, head_teacher) -> list[Student]:
    """Four pupils of 三年级1班 at demo-c1-k1-s1, headed by demo_teacher."""
    school = Unit.objects.get(code="demo-c1-k1-s1")
    students = import_rows(school, operator, "三年级", 4)
    klass = students[0].school_class
    klass.head_teacher = head_teacher
    klass.save(update_fields=["head_teacher"])
    return sorted(students, key=lambda s: s.pk)


@pytest.fixture
def pupil(pupils) -> User:
    return pupils[0].user


@pytest.fixture
def parent_of_pupil(pupils) -> User:
    return Guardian.objects.filter(student=pupils[0]).select_related("parent").first().parent


@pytest.fixture
def outsider_pupil(demo, operator) -> User:
    school = Unit.objects.get(code="demo-c1-k2-s1")
    return import_rows(school, operator, "三年级", 1)[0].user


@pytest.fixture
def campaign(demo, operator) -> Campaign:
    province = Unit.objects.get(code="demo")
    campaign = content.create_campaign(
        province,
        actor=operator,
        title="2026年安全教育专题",
        title_en="Safety education 2026",
        school_year=2026,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 7, 15),
    )
    content.save_theme(campaign, actor=operator, key="drowning", name="防溺水", name_en="Drowning prevention")
    content.save_stage(
        campaign, actor=operator, number=1, title="第一阶段", starts_on="2026-09-01", ends_on="2026-12-31",
        theme_keys=["drowning"],
    )  # fmt: skip
    content.change_campaign_status(campaign, "publish", actor=operator)
    return campaign


@pytest.fixture
def course(campaign, operator) -> Course:
    course = content.create_course(
        campaign,
        campaign.unit,
        actor=operator,
        title="珍爱生命 预防溺水",
        title_en="Cherish life, prevent drowning",
        audiences=[Audience.STUDENT, Audience.PARENT, Audience.STAFF],
        school_types=["primary"],
        grade_min=1,
        grade_max=6,
        stage=1,
        theme="drowning",
    )
    content.create_lesson(
        course, actor=operator, kind=LessonKind.VIDEO, title="视频：六不", media=tiny_video(60)
    )
    content.create_lesson(course, actor=operator, kind=LessonKind.ARTICLE, title="读一读", body_html=ARTICLE,
                          duration_s=120, order=1)  # fmt: skip
    for i in range(12):
        content.add_question(
            course,
            actor=operator,
            kind="single",
            text=f"第{i + 1}题：遇到同伴落水应该怎么办？",
            choices=["大声呼救并报告成人", "手拉手下水救人", "跳下去救"],
            answer=[0],
            explanation="不盲目施救。",
        )
    content.save_quiz(course, actor=operator, question_count=10)
    content.change_course_status(course, "publish", actor=operator)
    return course


@pytest.fixture
def video(course) -> Lesson:
    return course.lessons.get(kind=LessonKind.VIDEO)


@pytest.fixture
def article(course) -> Lesson:
    return course.lessons.get(kind=LessonKind.ARTICLE)
