"""Content owned by the county demo-c1-k1 (made through the content services), content packages
built in memory, and a count of everything a package or a form could write."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from safecampus.accounts.models import User
from safecampus.core.models import AuditEvent, Unit
from safecampus.training import content, images
from safecampus.training.models import (
    Campaign,
    Course,
    Lesson,
    LessonImage,
    LessonKind,
    LessonRevision,
    Question,
    Quiz,
    Stage,
    Theme,
)

from .samples import png_bytes, tiny_pdf, tiny_video

K1_TITLE = "东港区安全教育专题"  # a tenancy-walk marker: it must never reach the sibling county


def k1_content() -> dict[str, int]:
    """A published campaign of demo-c1-k1 with a published course: a video, an article with an
    image, questions (made once; ids by name)."""
    county = Unit.objects.get(code="demo-c1-k1")
    campaign = Campaign.objects.filter(unit=county, title=K1_TITLE).first()
    if campaign is None:
        officer = User.objects.get(username="demo_county")
        campaign = content.create_campaign(
            county,
            actor=officer,
            title=K1_TITLE,
            school_year=2026,
            starts_on="2026-09-01",
            ends_on="2027-07-15",
        )
        content.save_theme(campaign, actor=officer, key="fire", name="消防安全")
        course = content.create_course(
            campaign,
            county,
            actor=officer,
            title="东港区消防安全课",
            audiences=["student", "staff"],
            theme="fire",
        )
        content.create_lesson(
            course, actor=officer, kind=LessonKind.VIDEO, title="东港区视频", media=tiny_video(12)
        )
        image = images.add_lesson_image(course, actor=officer, upload=png_bytes())
        content.create_lesson(
            course,
            actor=officer,
            kind=LessonKind.ARTICLE,
            title="东港区文章",
            duration_s=60,
            body_html=f'<p>东港区</p><img src="{images.image_url(image)}">',
        )
        content.add_question(
            course, actor=officer, kind="true_false", text="东港区问题", choices=[], answer=[0]
        )
        content.change_course_status(course, "publish", actor=officer)
        content.change_campaign_status(campaign, "publish", actor=officer)
    course = campaign.courses.get()
    return {
        "campaign_id": campaign.pk,
        "course_id": course.pk,
        "lesson_id": course.lessons.get(kind=LessonKind.VIDEO).pk,
        "question_id": course.questions.first().pk,
        "image_id": LessonImage.objects.filter(unit=county).first().pk,
    }


def make_zip(
    manifest: Any, files: dict[str, bytes] | None = None, *, raw_names: dict[str, bytes] | None = None
) -> bytes:
    """A package: `manifest` (a dict is dumped as YAML, a str is written as is) and files."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if manifest is not None:
            text = (
                manifest
                if isinstance(manifest, str)
                else yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
            )
            zf.writestr("manifest.yaml", text.encode())
        for name, data in (files or {}).items():
            zf.writestr(name, data)
        for name, data in (raw_names or {}).items():
            info = zipfile.ZipInfo(name)
            zf.writestr(info, data)
    return buf.getvalue()


def good_manifest() -> dict[str, Any]:
    return {
        "format": "safecampus-training/1",
        "campaign": {
            "title": "2026年防溺水专题",
            "title_en": "Drowning prevention 2026",
            "school_year": 2026,
            "starts_on": "2026-09-01",
            "ends_on": "2027-07-15",
            "pass_mark": 80,
        },
        "themes": [
            {"key": "drowning", "name": "防溺水", "name_en": "Drowning prevention"},
            {"key": "fire", "name": "消防安全", "name_en": "Fire safety"},
        ],
        "stages": [
            {
                "number": 1,
                "title": "第一阶段",
                "starts_on": "2026-09-01",
                "ends_on": "2026-10-31",
                "themes": ["drowning", "fire"],
            },
        ],
        "courses": [
            {
                "key": "drowning-basics",
                "title": "珍爱生命 预防溺水",
                "title_en": "Cherish life, prevent drowning",
                "theme": "drowning",
                "stage": 1,
                "audiences": ["student", "parent"],
                "school_types": ["primary", "junior"],
                "grade_min": 1,
                "grade_max": 9,
                "lessons": [
                    {
                        "kind": "video",
                        "title": "防溺水视频",
                        "file": "media/drowning.mp4",
                        "poster": "media/poster.png",
                    },
                    {
                        "kind": "article",
                        "title": "防溺水“六不准”",
                        "duration_s": 300,
                        "body": (
                            '<h2>六不准</h2><p>不私自下水游泳。</p><img src="media/pic.png" alt="图">'
                            "<script>x()</script>"
                        ),
                    },
                    {
                        "kind": "document",
                        "title": "防溺水告家长书",
                        "file": "media/leaflet.pdf",
                        "duration_s": 240,
                    },
                ],
                "quiz": {
                    "question_count": 2,
                    "attempts_limit": 3,
                    "questions": [
                        {
                            "kind": "single",
                            "text": "发现有人落水怎么办？",
                            "choices": ["呼救", "跳水"],
                            "answer": [0],
                            "explanation": "不盲目施救。",
                        },
                        {
                            "kind": "multiple",
                            "text": "哪些地方不能游泳？",
                            "choices": ["水库", "河塘", "正规泳池"],
                            "answer": [0, 1],
                        },
                        {"kind": "true_false", "text": "可以独自去河边玩。", "answer": [1]},
                    ],
                },
            },
            {
                "key": "fire-basics",
                "title": "消防安全常识",
                "theme": "fire",
                "audiences": ["staff", "leader", "cadre"],
                "lessons": [
                    {"kind": "article", "title": "火灾逃生", "duration_s": 120, "body": "<p>弯腰低姿。</p>"}
                ],
            },
        ],
    }


def good_files() -> dict[str, bytes]:
    return {
        "media/drowning.mp4": tiny_video(12),
        "media/poster.png": png_bytes((320, 180)),
        "media/pic.png": png_bytes(),
        "media/leaflet.pdf": tiny_pdf(2),
    }


MODELS = (Campaign, Theme, Stage, Course, Lesson, LessonRevision, LessonImage, Quiz, Question, AuditEvent)


def snapshot() -> dict[str, Any]:
    """Rows of every content model and the files in storage."""
    root = Path(settings.MEDIA_ROOT)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return {"rows": {m.__name__: m.objects.count() for m in MODELS}, "files": files}
