"""Term safety plans (学期安全工作计划): a school's plan for one term, month by month.

- `PlanTemplate`: default content per school type and term kind (autumn / spring), shipped as
  data files in `templates_data/` (seed 003's plan, seed 001's autumn-term sequence table) and
  loaded by `templates.ensure_defaults()`. Reference data: every reader of duties reads them.
- `TermPlan`: a school's plan for a term (dates from the school calendar), draft → published.
- `MonthTheme`: the month's safety theme (每月一主题) and, at the month's end, its summary.
- `PlanItem`: a meeting, training, drill, special check, talk topic or parent letter dated in
  the term; planned → done (with evidence) → summarised, through `ITEM_TRANSITIONS`.

Who reads a plan: the school's staff holding `duties.view` at the school, and the bureaus above
it (their subtree). Everybody else: nothing (404 alike for missing and forbidden).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.models import SchoolType
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


def in_language(zh: str, en: str, language: str | None = None) -> str:
    """The text in the request's language, the other one when it is missing."""
    lang = (language or get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return en or zh
    return zh or en


class TermKind(models.TextChoices):
    AUTUMN = "autumn", _("Autumn term")
    SPRING = "spring", _("Spring term")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ItemKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    DRILL = "drill", _("Drill")
    SPECIAL_CHECK = "special_check", _("Special check")
    TALK_TOPIC = "talk_topic", _("Safety talk topic")
    PARENT_LETTER = "parent_letter", _("Letter to parents")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    SUMMARISED = "summarised", _("Summarised")


# action: (from statuses, to status, audit verb) — the one table of an item's progress.
ITEM_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "done": (frozenset({ItemStatus.PLANNED}), ItemStatus.DONE, "plan_item.done"),
    "summarise": (frozenset({ItemStatus.DONE}), ItemStatus.SUMMARISED, "plan_item.summarised"),
    "reopen": (frozenset({ItemStatus.DONE}), ItemStatus.PLANNED, "plan_item.reopened"),
}
PLAN_TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "publish": (frozenset({PlanStatus.DRAFT}), PlanStatus.PUBLISHED, "term_plan.published"),
    "withdraw": (frozenset({PlanStatus.PUBLISHED}), PlanStatus.DRAFT, "term_plan.withdrawn"),
}


class PlanTemplate(models.Model):
    """Default plan content for a school type (blank: any) and term kind.

    `content` = {"months": [{"month": 9, "theme_zh", "theme_en",
                  "items": [{"kind", "title_zh", "title_en", "day": 1..31, "owner"}]}]}
    (`month`: the calendar month; `day`: the day of the month the item is aimed at)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    school_type = models.CharField(_("school type"), max_length=16, choices=SchoolType.choices, blank=True)
    term_kind = models.CharField(_("term"), max_length=8, choices=TermKind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    content = models.JSONField(default=dict)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["term_kind", "school_type", "code"]
        verbose_name = _("term plan template")
        verbose_name_plural = _("term plan templates")

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)

    @property
    def months(self) -> list[dict[str, Any]]:
        return list((self.content or {}).get("months") or [])


class TermPlan(ScopedModel):
    """A school's safety plan for one term."""

    access = Rule(perm=Perm.VIEW_DUTIES)

    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=160)
    term_name = models.CharField(_("term"), max_length=60)
    term_kind = models.CharField(_("term kind"), max_length=8, choices=TermKind.choices)
    term_key = models.IntegerField(_("term key"))  # academic year × 10 + 1 (autumn) or 2 (spring)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-term_start", "unit_path"]
        verbose_name = _("term safety plan")
        verbose_name_plural = _("term safety plans")
        constraints = [models.UniqueConstraint(fields=["unit", "term_key"], name="termplan_once_per_term")]
        indexes = [models.Index(fields=["unit_path", "term_key"])]

    def __str__(self) -> str:
        return self.title

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "term": self.term_name,
            "term_start": self.term_start.isoformat(),
            "term_end": self.term_end.isoformat(),
            "status": self.status,
            "template": self.template_id,
        }


class MonthTheme(models.Model):
    """The month's safety theme of a plan (每月一主题), and its summary once the month is over."""

    access = Rule(related=("plan", "termplan.TermPlan"), subtree=False)

    plan = models.ForeignKey(TermPlan, on_delete=models.CASCADE, related_name="themes")
    month = models.IntegerField(_("month"))  # YYYYMM
    theme = models.CharField(_("theme"), max_length=200)
    theme_en = models.CharField(_("theme (English)"), max_length=240, blank=True)
    summary = models.TextField(pgettext_lazy("term plan", "summary"), blank=True)

    class Meta:
        ordering = ["plan", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="termplan_theme_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.theme}"

    @property
    def text(self) -> str:
        return in_language(self.theme, self.theme_en)


class PlanItem(ScopedModel):
    """One dated item of a plan; its unit is the plan's school."""

    access = Rule(perm=Perm.VIEW_DUTIES)

    plan = models.ForeignKey(TermPlan, on_delete=models.CASCADE, related_name="items")
    term_key = models.IntegerField()  # the plan's (counted by term in the roll-up)
    month = models.IntegerField(_("month"))  # YYYYMM of planned_on
    kind = models.CharField(pgettext_lazy("term plan item", "kind"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=240, blank=True)
    planned_on = models.DateField(_("planned date"))
    owner = models.CharField(_("owner"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_client_id = models.UUIDField(null=True, blank=True, editable=False)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(upload_to="termplan/%Y/%m/", max_length=255, blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)  # image/jpeg, image/png, application/pdf
    summary = models.TextField(pgettext_lazy("term plan", "summary"), blank=True)
    summarised_at = models.DateTimeField(null=True, blank=True)
    summarised_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary_client_id = models.UUIDField(null=True, blank=True, editable=False)
    schedule = models.ForeignKey(
        "checks.Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "planned_on", "order", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [
            models.Index(fields=["unit_path", "term_key"]),
            models.Index(fields=["plan", "month"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "done_client_id"],
                condition=Q(done_client_id__isnull=False),
                name="planitem_done_once",
            ),
            models.UniqueConstraint(
                fields=["plan", "summary_client_id"],
                condition=Q(summary_client_id__isnull=False),
                name="planitem_summary_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        return in_language(self.title, self.title_en)

    @property
    def is_done(self) -> bool:
        return self.status in (ItemStatus.DONE, ItemStatus.SUMMARISED)

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kind": self.kind,
            "planned_on": self.planned_on.isoformat(),
            "owner": self.owner,
            "status": self.status,
        }


from .stats_models import TermPlanCell, TermPlanDelta  # noqa: E402,F401  (the term plans roll-up)
