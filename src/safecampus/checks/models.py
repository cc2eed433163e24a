"""Checklist templates (检查表) and the photos that checks' answers will reference.

A template belongs to a unit (a bureau or a school) and has numbered versions; a version's items
never change once written (an edit writes a new version), so a task that points at a version,
and the answers that point at its items, keep what was asked. An item's `key` stays the same
from version to version (and in a school's copy), so the next occurrence of a check can find the
same item's earlier answers and open hazards.

Who reads a template (`ChecklistTemplate.access`): the members of its own unit, and the people
below a bureau that published it (a school reads its county's, city's and province's published
templates; a bureau its own and those published above it). Nobody else: a bureau does not read
its schools' own templates through this rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule, memberships
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel
from safecampus.risks.models import Category

_USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    """When a checklist is meant to be used (a hint for schedules and the library's filter)."""

    DAILY = "daily", _("Daily check")
    MONTHLY = "monthly", _("Monthly check")
    TERM_START = "term_start", _("Term-start check")
    TERM_END = "term_end", _("Term-end check")
    HOLIDAY = "holiday", _("Holiday special check")
    SEASONAL = "seasonal", _("Seasonal special check")
    SPECIAL = "special", _("Special check")
    PATROL = "patrol", _("Patrol")


class TemplateStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class AnswerKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail / not applicable")
    NUMBER = "number", _("Number in a range")
    TEXT = "text", _("Text")


def in_language(zh: str, en: str, language: str | None = None) -> str:
    """The text in the request's language, the other one when it is missing."""
    lang = (language or get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return en or zh
    return zh or en


def _published_above(user: Any) -> Q:
    """Templates published by a bureau above one of the user's units that grant the view."""
    q = Q(pk__in=[])
    paths: set[str] = set()
    for m in memberships(user, Perm.VIEW_CHECKS):
        paths.update(m.unit.ancestor_paths())
    if paths:
        q = Q(published=True, status=TemplateStatus.ACTIVE, unit_path__in=sorted(paths))
    return q


class ChecklistTemplate(ScopedModel):
    """A checklist of a unit: the library's (published by a bureau) or a school's own."""

    # Own unit's members (a bureau: only its own, not its schools'), plus published from above.
    access = Rule(
        perm=Perm.VIEW_CHECKS, bureau_q=lambda unit: Q(unit_path=unit.path), extra=(_published_above,)
    )

    code = models.SlugField(_("code"), max_length=64)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SPECIAL)
    status = models.CharField(
        _("status"), max_length=8, choices=TemplateStatus.choices, default=TemplateStatus.ACTIVE
    )
    published = models.BooleanField(_("published to the area"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    from_library = models.BooleanField(default=False, editable=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    current_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "code", "id"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="checklist_code_once_per_unit")]
        indexes = [models.Index(fields=["unit_path", "published", "status"])]

    def __str__(self) -> str:
        return self.title_zh or self.title_en or self.code

    @property
    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)

    @property
    def description(self) -> str:
        return in_language(self.description_zh, self.description_en)

    @property
    def is_active(self) -> bool:
        return self.status == TemplateStatus.ACTIVE

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "kind": self.kind,
            "status": self.status,
            "published": self.published,
            "version": self.current_version.number if self.current_version_id else None,
        }


class TemplateVersion(models.Model):
    """One numbered version of a template: its items as they were written, never changed."""

    access = Rule(related=("template", "checks.ChecklistTemplate"), subtree=False)

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("a checklist version is immutable: write a new version")
        super().save(*args, **kwargs)


class TemplateItem(models.Model):
    """One question of a version. Pass/fail items may also be "not applicable"; a number item
    fails outside [min_value, max_value]; a text item records what was seen."""

    access = Rule(related=("version__template", "checks.ChecklistTemplate"), subtree=False)

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=64)  # the same item from version to version
    order = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("item (Chinese)"), max_length=300)
    text_en = models.CharField(_("item (English)"), max_length=400, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    answer_kind = models.CharField(
        _("answer"), max_length=10, choices=AnswerKind.choices, default=AnswerKind.PASS_FAIL
    )
    min_value = models.DecimalField(_("minimum"), max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=10, decimal_places=2, null=True, blank=True)
    value_unit = models.CharField(_("unit of measure"), max_length=16, blank=True)
    photo_required_on_fail = models.BooleanField(_("photo required when failed"), default=False)
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="checklist_item_order_once"),
            models.UniqueConstraint(fields=["version", "key"], name="checklist_item_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text_zh or self.text_en}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("a checklist item is immutable: write a new version")
        super().save(*args, **kwargs)

    @property
    def text(self) -> str:
        return in_language(self.text_zh, self.text_en)

    @property
    def guidance(self) -> str:
        return in_language(self.guidance_zh, self.guidance_en)

    def content(self) -> dict[str, Any]:
        """What the item asks, without its place in a version (to compare and copy)."""
        return {
            "key": self.key,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "category": self.category,
            "answer_kind": self.answer_kind,
            "min_value": self.min_value,
            "max_value": self.max_value,
            "value_unit": self.value_unit,
            "photo_required_on_fail": self.photo_required_on_fail,
            "guidance_zh": self.guidance_zh,
            "guidance_en": self.guidance_en,
        }


class CheckPhoto(ScopedModel):
    """A photo taken during a check at a school (re-encoded: no EXIF, no position). Answers
    reference it by id once the check is submitted."""

    access = Rule(perm=Perm.VIEW_CHECKS, own="uploaded_by")

    client_id = models.UUIDField(null=True, blank=True, editable=False)
    image = models.FileField(upload_to="checks/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("check photo")
        verbose_name_plural = _("check photos")
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="check_photo_client_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"photo #{self.pk}"


from .stats_models import InspectionCell, InspectionDelta  # noqa: E402,F401  (the inspections roll-up)
from .task_models import (  # noqa: E402  (schedules and tasks: their own module, one app)
    TASK_TRANSITIONS,
    Answer,
    Result,
    Schedule,
    ScheduleStatus,
    Task,
    TaskStatus,
)

__all__ = [
    "TASK_TRANSITIONS",
    "Answer",
    "AnswerKind",
    "CheckPhoto",
    "ChecklistTemplate",
    "Kind",
    "Result",
    "Schedule",
    "ScheduleStatus",
    "Task",
    "TaskStatus",
    "TemplateItem",
    "TemplateStatus",
    "TemplateVersion",
]
