"""Campaigns (专题活动) with stages and themes, courses, lessons, quizzes (content side).

A campaign belongs to a bureau or school unit and is offered to that unit's subtree; a
lower unit may add its own courses to a campaign it can see (`Course.unit` is the unit that
owns the course, the course is offered to that unit's subtree). Learning facts live in
`progress_models.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import member_units
from safecampus.core.i18n import localized
from safecampus.core.scoping import ScopedModel, ScopedQuerySet


class Audience(models.TextChoices):
    CADRE = "cadre", _("Bureau cadres")
    LEADER = "leader", _("School leaders")
    STAFF = "staff", _("Teachers and staff")
    STUDENT = "student", _("Students")
    PARENT = "parent", _("Parents")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The one table of content states: action → (from states, to state).
CONTENT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({ContentStatus.DRAFT, ContentStatus.ARCHIVED}), ContentStatus.PUBLISHED),
    "archive": (frozenset({ContentStatus.PUBLISHED}), ContentStatus.ARCHIVED),
    "unpublish": (frozenset({ContentStatus.PUBLISHED}), ContentStatus.DRAFT),
}


class LessonKind(models.TextChoices):
    VIDEO = "video", _("Video")
    ARTICLE = "article", _("Article")
    DOCUMENT = "document", _("Document (PDF)")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


def offered_paths(user: Any) -> list[str]:
    """Paths of units whose content is offered to the user: each membership's unit and its ancestors."""
    paths: set[str] = set()
    for unit in member_units(user):
        paths.add(unit.path)
        paths.update(unit.ancestor_paths())
    return sorted(paths)


class OfferedQuerySet(ScopedQuerySet):
    """`visible_to` answers who may manage or watch over content (the unit is in the user's subtree);
    `offered_to` answers whose learners it is for (the unit is the user's unit or above it)."""

    def offered_to(self, user: Any) -> OfferedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        paths = offered_paths(user)
        if not paths:
            return self.none()
        return self.filter(unit_path__in=paths)

    def offered_at(self, unit: Any) -> OfferedQuerySet:
        """Content offered to the learners of `unit`: owned by the unit or a unit above it."""
        return self.filter(unit_path__in=[*unit.ancestor_paths(), unit.path])


class Campaign(ScopedModel):
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    school_year = models.PositiveSmallIntegerField(_("school year"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"))
    status = models.CharField(
        _("status"), max_length=16, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferedQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year", "-starts_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "title")

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "title_en": self.title_en,
            "school_year": self.school_year,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "pass_mark": self.pass_mark,
            "status": self.status,
        }


class Theme(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="uniq_theme_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_title(self) -> str:
        """The name in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "name")


class Stage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("stage"))
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="stages")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="uniq_stage_number")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "title")


def student_fits(course: Any, school_type: str, grade_level: int | None) -> bool:
    """Whether a student of this school type and grade level is one the course is for (any object
    with `school_types`, `grade_min` and `grade_max`). A student in no grade fits only a course
    without a grade range."""
    if course.school_types and school_type not in course.school_types:
        return False
    if grade_level is None:
        return course.grade_min is None and course.grade_max is None
    if course.grade_min is not None and grade_level < course.grade_min:
        return False
    return not (course.grade_max is not None and grade_level > course.grade_max)


class Course(ScopedModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="courses")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    key = models.SlugField(_("key"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    audiences = models.JSONField(_("audiences"), default=list)
    school_types = models.JSONField(_("school types"), default=list, blank=True)  # empty: every type
    grade_min = models.SmallIntegerField(_("from grade"), null=True, blank=True)
    grade_max = models.SmallIntegerField(_("to grade"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "stage__number", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], condition=~Q(key=""), name="uniq_course_key")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "title")

    @property
    def total_duration_s(self) -> int:
        return sum(lesson.duration_s for lesson in self.lessons.all())

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "campaign": self.campaign_id,
            "stage": self.stage.number if self.stage_id else None,
            "theme": self.theme.key if self.theme_id else None,
            "audiences": self.audiences,
            "school_types": self.school_types,
            "grades": [self.grade_min, self.grade_max],
            "status": self.status,
        }


def media_path(instance: Any, filename: str) -> str:
    return f"training/{instance.unit_id}/{filename}"


class Lesson(ScopedModel):
    """One lesson; `version` goes up when published content changes. Progress is kept by lesson,
    so learners keep theirs across versions (`LessonRevision` keeps what each version said)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    kind = models.CharField(pgettext_lazy("lesson", "kind"), max_length=16, choices=LessonKind.choices)
    duration_s = models.PositiveIntegerField(_("length (seconds)"))
    body_html = models.TextField(_("text"), blank=True)  # articles: sanitised HTML
    media = models.FileField(_("file"), upload_to=media_path, blank=True, max_length=255)
    media_type = models.CharField(max_length=40, blank=True)  # video/mp4, video/webm, application/pdf
    media_size = models.BigIntegerField(default=0)
    poster = models.FileField(_("poster image"), upload_to=media_path, blank=True, max_length=255)
    page_count = models.PositiveSmallIntegerField(default=0)  # documents
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferedQuerySet.as_manager()

    class Meta:
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (its English one on English pages, when there is one)."""
        return localized(self, "title")

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "lesson_kind": self.kind,
            "duration_s": self.duration_s,
            "version": self.version,
            "media": self.media.name if self.media else "",
        }


class LessonRevision(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    duration_s = models.PositiveIntegerField()
    body_html = models.TextField(blank=True)
    media = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lesson", "-version"]
        constraints = [models.UniqueConstraint(fields=["lesson", "version"], name="uniq_lesson_revision")]

    def __str__(self) -> str:
        return f"{self.lesson_id} v{self.version}"


class LessonImage(ScopedModel):
    """An image inside an article (re-encoded on upload)."""

    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(upload_to=media_path, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)


class Quiz(models.Model):
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz")
    question_count = models.PositiveSmallIntegerField(_("questions drawn"), default=10)
    attempts_limit = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)

    def __str__(self) -> str:
        return str(self.course)

    @property
    def pass_mark(self) -> int:
        return self.course.campaign.pass_mark


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(pgettext_lazy("question", "kind"), max_length=16, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    choices = models.JSONField(_("choices"), default=list)  # list of strings; true/false: two
    answer = models.JSONField(_("answer"), default=list)  # sorted indexes into choices
    explanation = models.TextField(_("explanation"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


from .class_models import (  # noqa: E402,F401
    Certificate,
    ClassAssignment,
    ClassroomAttendance,
    ClassroomSession,
)
from .progress_models import (  # noqa: E402,F401  (Django finds models through this module)
    BeatStatus,
    CourseProgress,
    Heartbeat,
    LearnerClock,
    LearningDay,
    LessonProgress,
    QuizAttempt,
)
