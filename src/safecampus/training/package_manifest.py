"""The manifest of a content package (`docs/training-packages.md`), checked whole.

`check_manifest` reads the YAML and walks it once, collecting every error as (path, message),
e.g. ("courses[2].lessons[1].file", "…"), positions counting from 1, and returns a `Plan`:
the values for the content services plus the package files the manifest refers to (checked
by content in `packages`). The rules are those of `content`: its validators are called here
field by field, so a package and the management pages accept the same things.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
import yaml
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.files import html as media
from safecampus.core.files.html import sanitise_html

from . import content, question_bank
from .models import Campaign, Course, LessonKind, QuestionKind

FORMAT = "safecampus-training/1"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

TOP_KEYS = ({"format", "courses"}, {"campaign", "themes", "stages"})  # (required, optional)
CAMPAIGN_KEYS = ({"title", "school_year", "starts_on", "ends_on"}, {"title_en", "description", "pass_mark"})
THEME_KEYS = ({"key", "name"}, {"name_en", "order"})
STAGE_KEYS = ({"number", "title", "starts_on", "ends_on"}, {"title_en", "themes"})
COURSE_KEYS = (
    {"key", "title", "audiences", "lessons"},
    {"title_en", "summary", "theme", "stage", "school_types", "grade_min", "grade_max", "order", "quiz"},
)
LESSON_KEYS = {
    LessonKind.VIDEO: ({"kind", "title", "file"}, {"title_en", "poster"}),
    LessonKind.ARTICLE: ({"kind", "title", "body", "duration_s"}, {"title_en"}),
    LessonKind.DOCUMENT: ({"kind", "title", "file", "duration_s"}, {"title_en"}),
}
QUIZ_KEYS = ({"questions"}, {"question_count", "attempts_limit"})
QUESTION_KEYS = ({"kind", "text", "answer"}, {"choices", "explanation", "order"})


@dataclass
class FileRef:
    """A package file the manifest names: where (manifest path), which file, checked as what."""

    path: str
    name: str
    kind: str  # "video", "document" or "image"


@dataclass
class LessonPlan:
    path: str
    kind: str
    values: dict[str, Any]
    file: FileRef | None = None
    poster: FileRef | None = None
    images: list[FileRef] = field(default_factory=list)  # article images, by their src


@dataclass
class CoursePlan:
    path: str
    values: dict[str, Any]
    lessons: list[LessonPlan] = field(default_factory=list)
    quiz: dict[str, Any] | None = None
    questions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Plan:
    campaign: dict[str, Any] = field(default_factory=dict)
    themes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    stages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    courses: list[CoursePlan] = field(default_factory=list)

    def files(self) -> list[FileRef]:
        out: list[FileRef] = []
        for course in self.courses:
            for lesson in course.lessons:
                out += [r for r in (lesson.file, lesson.poster) if r is not None] + lesson.images
        return out


class Checker:
    """Collects (path, message) errors while walking the manifest."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, str(message)))

    def mapping(self, value: Any, path: str, keys: tuple[set[str], set[str]]) -> dict[str, Any] | None:
        required, optional = keys
        if not isinstance(value, dict):
            self.error(path, _("Expected a mapping of names to values."))
            return None
        for key in value:
            if key not in required | optional:
                self.error(join(path, str(key)), _("Unknown key."))
        for key in sorted(required - set(value)):
            self.error(join(path, key), _("This field is required."))
        return value

    def items(self, value: Any, path: str, *, required: bool = False) -> list[tuple[str, Any]]:
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.error(
                path, _("Expected a list with at least one item.") if required else _("Expected a list.")
            )
            return []
        return [(f"{path}[{i + 1}]", item) for i, item in enumerate(value)]

    def call(self, path: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a content validator; its error is recorded at `path`."""
        try:
            return func(*args, **kwargs)
        except Invalid as exc:
            self.error(path, exc.message)
            return None

    def scalar(self, value: Any, path: str) -> str | None:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(path, _("Expected text."))
            return None
        return str(value)

    def integer(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, _("Expected a whole number."))
            return None
        return value


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def package_path(value: Any) -> str | None:
    """A file name inside the package, normalised; None when it is unsafe (absolute, `..`)."""
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip()
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return posixpath.join(*parts)


# -- reading ----------------------------------------------------------------------------------
def parse_yaml(text: str, check: Checker) -> Any:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                check.error("manifest.yaml", _("YAML aliases (*name) are not allowed in a manifest."))
                return None
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (
            _("line %(line)s, column %(col)s") % {"line": mark.line + 1, "col": mark.column + 1}
            if mark
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        check.error(
            "manifest.yaml",
            _("Not valid YAML (%(where)s): %(problem)s") % {"where": where, "problem": problem},
        )
        return None


def check_manifest(
    text: str, *, campaign: Campaign | None, files: set[str]
) -> tuple[Plan, list[tuple[str, str]]]:
    """Check the manifest against the package's file names and, when loading into an existing
    campaign, against what the campaign already has."""
    check = Checker()
    plan = Plan()
    data = parse_yaml(text, check)
    if check.errors:
        return plan, check.errors
    top = check.mapping(data, "", TOP_KEYS)
    if top is None:
        return plan, check.errors
    if "format" in top and top["format"] != FORMAT:
        check.error("format", _("Expected “%(format)s”.") % {"format": FORMAT})
    if campaign is None:
        if "campaign" not in top:
            check.error(
                "campaign", _("A package that makes a new campaign needs its title, school year and dates.")
            )
        else:
            plan.campaign = _campaign(top["campaign"], check)
    theme_keys = set(campaign.themes.values_list("key", flat=True)) if campaign else set()
    stage_numbers = set(campaign.stages.values_list("number", flat=True)) if campaign else set()
    package_themes: set[str] = set()
    for path, item in check.items(top.get("themes"), "themes"):
        values = _theme(item, path, check, known=theme_keys, local=package_themes)
        if values:
            plan.themes.append((path, values))
    package_stages: set[int] = set()
    for path, item in check.items(top.get("stages"), "stages"):
        values = _stage(item, path, check, themes=theme_keys, known=stage_numbers, local=package_stages)
        if values:
            plan.stages.append((path, values))
    taken = (
        set(Course.objects.filter(campaign=campaign).exclude(key="").values_list("key", flat=True))
        if campaign
        else set()
    )
    for path, item in check.items(top.get("courses"), "courses", required=True):
        course = _course(item, path, check, themes=theme_keys, stages=stage_numbers, taken=taken, files=files)
        if course is not None:
            plan.courses.append(course)
    return plan, check.errors


def _campaign(value: Any, check: Checker) -> dict[str, Any]:
    data = check.mapping(value, "campaign", CAMPAIGN_KEYS)
    if data is None:
        return {}
    out: dict[str, Any] = {}
    for name, limit, required in (("title", 120, True), ("title_en", 160, False)):
        if name in data:
            text = check.scalar(data[name], f"campaign.{name}")
            if text is not None:
                out[name] = check.call(f"campaign.{name}", content.text, text, limit, name, required=required)
    if "description" in data:
        out["description"] = check.scalar(data["description"], "campaign.description")
    if "school_year" in data and check.integer(data["school_year"], "campaign.school_year") is not None:
        out["school_year"] = check.call("campaign.school_year", content._school_year, data["school_year"])
    if "starts_on" in data and "ends_on" in data:
        dates = check.call(
            "campaign.starts_on", content._dates, _date(data["starts_on"]), _date(data["ends_on"])
        )
        if dates:
            out["starts_on"], out["ends_on"] = dates
    if (
        data.get("pass_mark") is not None
        and check.integer(data["pass_mark"], "campaign.pass_mark") is not None
    ):
        out["pass_mark"] = check.call("campaign.pass_mark", content._pass_mark, data["pass_mark"])
    return out


def _date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _key(value: Any, path: str, check: Checker, limit: int) -> str | None:
    if not isinstance(value, str) or not KEY_RE.match(value) or len(value) > limit:
        check.error(
            path, _("Use lower-case letters, digits, hyphens and underscores (at most %(n)s).") % {"n": limit}
        )
        return None
    return value


def _theme(
    value: Any, path: str, check: Checker, *, known: set[str], local: set[str]
) -> dict[str, Any] | None:
    data = check.mapping(value, path, THEME_KEYS)
    if data is None:
        return None
    before = len(check.errors)
    key = _key(data.get("key"), join(path, "key"), check, 40) if "key" in data else None
    name = check.scalar(data.get("name"), join(path, "name"))
    if name is not None and "name" in data:
        check.call(join(path, "name"), content.text, name, 60, "name")
    name_en = check.scalar(data.get("name_en"), join(path, "name_en"))
    if name_en:
        check.call(join(path, "name_en"), content.text, name_en, 80, "name_en", required=False)
    if "order" in data:
        check.integer(data["order"], join(path, "order"))
    if key is not None and key in local:
        check.error(join(path, "key"), _("The package names the theme “%(key)s” twice.") % {"key": key})
    elif key is not None:
        local.add(key)
        known.add(key)  # a key the campaign has already is merged: its name is updated
    if len(check.errors) > before:
        return None
    return {"key": key, "name": name, "name_en": name_en or "", "order": data.get("order") or 0}


def _stage(
    value: Any, path: str, check: Checker, *, themes: set[str], known: set[int], local: set[int]
) -> dict[str, Any] | None:
    data = check.mapping(value, path, STAGE_KEYS)
    if data is None:
        return None
    before = len(check.errors)
    number = check.integer(data.get("number"), join(path, "number")) if "number" in data else None
    if number is not None and not 1 <= number <= 99:
        check.error(join(path, "number"), _("The stage number must be a whole number."))
    title = check.scalar(data.get("title"), join(path, "title"))
    if title is not None and "title" in data:
        check.call(join(path, "title"), content.text, title, 120, "title")
    title_en = check.scalar(data.get("title_en"), join(path, "title_en"))
    if title_en:
        check.call(join(path, "title_en"), content.text, title_en, 160, "title_en", required=False)
    if "starts_on" in data and "ends_on" in data:
        check.call(join(path, "starts_on"), content._dates, _date(data["starts_on"]), _date(data["ends_on"]))
    keys = []
    for item_path, key in check.items(data.get("themes"), join(path, "themes")):
        if key not in themes:
            check.error(item_path, _("No theme “%(key)s” in the package or the campaign.") % {"key": key})
        keys.append(key)
    if number is not None and number in local:
        check.error(join(path, "number"), _("The package names stage %(n)s twice.") % {"n": number})
    elif number is not None:
        local.add(number)
        known.add(number)
    if len(check.errors) > before:
        return None
    return {
        "number": number,
        "title": title,
        "title_en": title_en or "",
        "starts_on": _date(data["starts_on"]),
        "ends_on": _date(data["ends_on"]),
        "theme_keys": keys,
    }


def _course(
    value: Any,
    path: str,
    check: Checker,
    *,
    themes: set[str],
    stages: set[int],
    taken: set[str],
    files: set[str],
) -> CoursePlan | None:
    data = check.mapping(value, path, COURSE_KEYS)
    if data is None:
        return None
    values: dict[str, Any] = {}
    if "key" in data:
        key = _key(data["key"], join(path, "key"), check, 60)
        if key is not None and key in taken:
            check.error(
                join(path, "key"),
                _("The campaign already has a course with the key “%(key)s”.") % {"key": key},
            )
        elif key is not None:
            taken.add(key)
        values["key"] = key
    for name in ("title", "title_en", "summary"):
        if name in data:
            text = check.scalar(data[name], join(path, name))
            if text is not None:
                values.update(check.call(join(path, name), content._course_fields, None, {name: text}) or {})
    for name in ("audiences", "school_types"):
        if name in data:
            if not isinstance(data[name], list) or not all(isinstance(x, str) for x in data[name]):
                check.error(join(path, name), _("Expected a list of names."))
            else:
                values.update(
                    check.call(join(path, name), content._course_fields, None, {name: data[name]}) or {}
                )
    for name in ("grade_min", "grade_max", "order"):
        if data.get(name) is not None and check.integer(data[name], join(path, name)) is not None:
            values.update(
                check.call(join(path, name), content._course_fields, None, {name: data[name]}) or {}
            )
    if values.get("grade_min") is not None and values.get("grade_max") is not None:
        check.call(join(path, "grade_max"), content._course_fields, None,
                   {"grade_min": values["grade_min"], "grade_max": values["grade_max"]})  # fmt: skip
    if data.get("theme") is not None:
        if data["theme"] not in themes:
            check.error(
                join(path, "theme"),
                _("No theme “%(key)s” in the package or the campaign.") % {"key": data["theme"]},
            )
        values["theme"] = data["theme"]
    if data.get("stage") is not None:
        if data["stage"] not in stages:
            check.error(
                join(path, "stage"),
                _("No stage %(n)s in the package or the campaign.") % {"n": data["stage"]},
            )
        values["stage"] = data["stage"]
    course = CoursePlan(path=path, values=values)
    for lesson_path, item in check.items(
        data.get("lessons"), join(path, "lessons"), required="lessons" in data
    ):
        lesson = _lesson(item, lesson_path, check, files=files)
        if lesson is not None:
            course.lessons.append(lesson)
    if data.get("quiz") is not None:
        _quiz(data["quiz"], join(path, "quiz"), check, course)
    return course  # even with errors: its files are still checked, so every error is reported


def _file(value: Any, path: str, check: Checker, files: set[str], kind: str) -> FileRef | None:
    name = package_path(value)
    if name is None:
        check.error(
            path, _("Give a file name inside the package, like media/lesson.mp4 (no “..”, not absolute).")
        )
        return None
    if name not in files:
        check.error(path, _("The package has no file “%(name)s”.") % {"name": name})
        return None
    return FileRef(path=path, name=name, kind=kind)


def _lesson(value: Any, path: str, check: Checker, *, files: set[str]) -> LessonPlan | None:
    kind = value.get("kind") if isinstance(value, dict) else None
    if isinstance(value, dict) and kind not in LessonKind.values:
        check.error(join(path, "kind"), _("Choose video, article or document."))
        return None
    data = check.mapping(value, path, LESSON_KEYS.get(kind, LESSON_KEYS[LessonKind.VIDEO]))
    if data is None:
        return None
    values: dict[str, Any] = {}
    for name, limit, required in (("title", 120, True), ("title_en", 160, False)):
        if name in data:
            text = check.scalar(data[name], join(path, name))
            if text is not None:
                values[name] = check.call(
                    join(path, name), content.text, text, limit, name, required=required
                )
    if "duration_s" in data and check.integer(data["duration_s"], join(path, "duration_s")) is not None:
        values["duration_s"] = check.call(
            join(path, "duration_s"), content.lesson_duration, data["duration_s"]
        )
    lesson = LessonPlan(path=path, kind=kind, values=values)
    if "file" in data:
        lesson.file = _file(
            data["file"], join(path, "file"), check, files, "video" if kind == "video" else "document"
        )
    if data.get("poster") is not None:
        lesson.poster = _file(data["poster"], join(path, "poster"), check, files, "image")
    if "body" in data:
        body = check.scalar(data["body"], join(path, "body"))
        if body is not None:
            lesson.images = _article_images(body, join(path, "body"), check, files)
            if not sanitise_html(body):
                check.error(join(path, "body"), _("The article has no text."))
            values["body_html"] = body
    return lesson


def _article_images(body: str, path: str, check: Checker, files: set[str]) -> list[FileRef]:
    """Images of an article: files of the package (put into storage on load) or web addresses."""
    sources: list[str] = []

    def collect(tag: str, attr: str, value: str) -> str:
        if tag == "img" and attr == "src":
            sources.append(value)
        return value

    nh3.clean(body, tags=media.ARTICLE_TAGS, attributes=media.ARTICLE_ATTRIBUTES, attribute_filter=collect)
    refs: dict[str, FileRef] = {}
    for src in sources:
        if src.startswith(("http://", "https://")) or src in refs:
            continue
        ref = _file(src, path, check, files, "image")
        if ref is not None:
            refs[src] = ref
    return list(refs.values())


def rewrite_images(body: str, urls: dict[str, str]) -> str:
    """The article with each package image's src replaced by its stored image's address
    (`urls`: package file name → address)."""

    def swap(tag: str, attr: str, value: str) -> str:
        if tag == "img" and attr == "src" and not value.startswith(("http://", "https://")):
            return urls.get(package_path(value) or "", value)
        return value

    return nh3.clean(
        body, tags=media.ARTICLE_TAGS, attributes=media.ARTICLE_ATTRIBUTES, attribute_filter=swap
    )


def _quiz(value: Any, path: str, check: Checker, course: CoursePlan) -> None:
    data = check.mapping(value, path, QUIZ_KEYS)
    if data is None:
        return
    count = data.get("question_count", 10)
    limit = data.get("attempts_limit")
    if check.integer(count, join(path, "question_count")) is not None and not 1 <= count <= 100:
        check.error(join(path, "question_count"), _("A quiz draws between 1 and 100 questions."))
    if (
        limit is not None
        and check.integer(limit, join(path, "attempts_limit")) is not None
        and not 1 <= limit <= 100
    ):
        check.error(
            join(path, "attempts_limit"),
            _("Allow between 1 and 100 attempts, or leave it empty for no limit."),
        )
    course.quiz = {"question_count": count, "attempts_limit": limit}
    for item_path, item in check.items(
        data.get("questions"), join(path, "questions"), required="questions" in data
    ):
        question = _question(item, item_path, check)
        if question is not None:
            course.questions.append((item_path, question))


def _question(value: Any, path: str, check: Checker) -> dict[str, Any] | None:
    data = check.mapping(value, path, QUESTION_KEYS)
    if data is None or not {"kind", "text", "answer"} <= set(data):
        return None
    if data["kind"] not in QuestionKind.values:
        check.error(join(path, "kind"), _("Choose single choice, multiple choice or true/false."))
        return None
    text = check.scalar(data["text"], join(path, "text"))
    choices = data.get("choices") or []
    answer = data["answer"]
    if not isinstance(choices, list) or any(check.scalar(c, join(path, "choices")) is None for c in choices):
        check.error(join(path, "choices"), _("Expected a list of choices."))
        return None
    if not isinstance(answer, list) or any(isinstance(a, bool) or not isinstance(a, int) for a in answer):
        check.error(
            join(path, "answer"), _("Give the right answers as a list of choice positions, from 0, e.g. [0].")
        )
        return None
    if data.get("order") is not None and check.integer(data["order"], join(path, "order")) is None:
        return None
    try:
        values = question_bank._question_fields(data["kind"], text, [str(c) for c in choices], answer)
    except Invalid as exc:
        check.error(join(path, exc.field or "answer"), exc.message)
        return None
    return {**values, "explanation": check.scalar(data.get("explanation"), join(path, "explanation")) or "",
            "order": data.get("order") or 0}  # fmt: skip
