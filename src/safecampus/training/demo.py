"""The demo's training content (`safecampus demo`): a province campaign read from
`demo_content/manifest.yaml` (the content package format) and created through the content services,
with the one video rendered at load time; then realistic learning progress for the demo roster
(`demo_progress.py`).

Idempotent: the content is created once (found again by the campaign's unit and title); the progress
is created once, when the campaign has none yet and the roster has learners.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from . import content
from .models import Campaign, LessonKind

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
MANIFEST = CONTENT_DIR / "manifest.yaml"
DEMO_UNIT = "demo"
VIDEO_FILE = "media/drowning-tips.mp4"
POSTER_FILE = "media/drowning-tips.jpg"
# The course the end-to-end test uses: demo_student watches its video and passes its quiz, so the
# demo progress leaves it untouched for demo_student.
E2E_COURSE_KEY = "drowning-primary"


@functools.cache
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@functools.cache
def demo_media() -> dict[str, bytes]:
    """The media the manifest names, made now (no network): the video and its poster."""
    from .demo_video import render_poster, render_video

    return {VIDEO_FILE: render_video(), POSTER_FILE: render_poster()}


def package_zip() -> bytes:
    """The demo content as a content package (manifest.yaml + media), for the package loader."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.yaml", MANIFEST.read_bytes())
        for name, data in demo_media().items():
            zf.writestr(name, data)
    return buf.getvalue()


def demo_campaign() -> Campaign | None:
    from safecampus.core.models import Unit

    unit = Unit.objects.filter(code=DEMO_UNIT).first()
    if unit is None:
        return None
    return Campaign.objects.filter(unit=unit, title=manifest()["campaign"]["title"]).first()


def _lesson_fields(lesson: dict[str, Any], order: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": lesson["title"],
        "title_en": lesson.get("title_en", ""),
        "order": order,
    }
    if lesson["kind"] == LessonKind.ARTICLE:
        fields["body_html"] = lesson["body"]
    else:
        fields["media"] = demo_media()[lesson["file"]]
        if lesson.get("poster"):
            fields["poster"] = demo_media()[lesson["poster"]]
    if lesson.get("duration_s") is not None:
        fields["duration_s"] = lesson["duration_s"]
    return fields


@transaction.atomic
def load_content(actor: Any, unit: Any) -> Campaign:
    """Create and publish the manifest's campaign at `unit` through the content services."""
    data = manifest()
    spec = data["campaign"]
    campaign = content.create_campaign(
        unit,
        actor=actor,
        title=spec["title"],
        title_en=spec.get("title_en", ""),
        description=spec.get("description", ""),
        school_year=spec["school_year"],
        starts_on=spec["starts_on"],
        ends_on=spec["ends_on"],
        pass_mark=spec.get("pass_mark"),
    )
    for order, theme in enumerate(data.get("themes", [])):
        content.save_theme(
            campaign, actor=actor, key=theme["key"], name=theme["name"], name_en=theme.get("name_en", ""),
            order=order,
        )  # fmt: skip
    for stage in data.get("stages", []):
        content.save_stage(
            campaign, actor=actor, number=stage["number"], title=stage["title"], starts_on=stage["starts_on"],
            ends_on=stage["ends_on"], theme_keys=stage.get("themes", []), title_en=stage.get("title_en", ""),
        )  # fmt: skip
    for order, spec in enumerate(data["courses"]):
        course = content.create_course(
            campaign,
            unit,
            actor=actor,
            key=spec["key"],
            title=spec["title"],
            title_en=spec.get("title_en", ""),
            summary=spec.get("summary", ""),
            audiences=spec["audiences"],
            school_types=spec.get("school_types", []),
            grade_min=spec.get("grade_min"),
            grade_max=spec.get("grade_max"),
            stage=spec.get("stage"),
            theme=spec.get("theme"),
            order=order,
        )
        for index, lesson in enumerate(spec["lessons"]):
            content.create_lesson(course, actor=actor, kind=lesson["kind"], **_lesson_fields(lesson, index))
        quiz = spec.get("quiz")
        if quiz:
            for index, q in enumerate(quiz["questions"]):
                content.add_question(
                    course, actor=actor, kind=q["kind"], text=q["text"], choices=q.get("choices") or [],
                    answer=q["answer"], explanation=q.get("explanation", ""), order=index,
                )  # fmt: skip
            content.save_quiz(
                course, actor=actor, question_count=quiz.get("question_count", 10),
                attempts_limit=quiz.get("attempts_limit"),
            )  # fmt: skip
        content.change_course_status(course, "publish", actor=actor)
    content.change_campaign_status(campaign, "publish", actor=actor)
    return campaign


def load_training_demo(*, progress: bool = True) -> Campaign:
    """The demo campaign (created once) and, when `progress`, the demo learners' progress (once)."""
    from safecampus.accounts.models import User
    from safecampus.core.models import Unit
    from safecampus.demo.region import OPERATOR

    campaign = demo_campaign()
    if campaign is None:
        actor = User.objects.get(username=OPERATOR)
        campaign = load_content(actor, Unit.objects.get(code=DEMO_UNIT))
    if progress:
        from .demo_progress import load_progress

        load_progress(campaign)
    return campaign
