"""Schedules (检查计划), the tasks they generate and the answers of a done check.

A `Schedule` belongs to a school (its routines: the daily gate check at arrival, the canteen
check before lunch, the monthly safety check …) or to a bureau (`for_area`: a special check that
every active school of the bureau's area must do). Its `rule` is a recurrence rule of
`safecampus.schoolcal.recurrence` (validated and normalised there), read against each school's
calendar. Each occurrence becomes one `Task` at a school: it opens at the occurrence, is due
`duration_minutes` later and is still accepted (late) during `grace_minutes`; after that it is
missed. A task points at the checklist version current when it was generated, and its answers at
that version's items, so past records keep what was asked.

Who does a task: the people named on the schedule, or else the holders of the schedule's post
(`post_role`: a role at the school, 一岗双责); the school's safety office and principal may do any.
Who reads tasks (`Task.access`): the school's staff holding `checks.view`, and bureaus above it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class ScheduleStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    RETIRED = "retired", _("Retired")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    MISSED = "missed", pgettext_lazy("checks", "Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


# The one transition table of a task: action -> (from states, to state).
TASK_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({TaskStatus.OPEN}), TaskStatus.DONE),
    "miss": (frozenset({TaskStatus.OPEN}), TaskStatus.MISSED),
    "cancel": (frozenset({TaskStatus.OPEN}), TaskStatus.CANCELLED),
}


class Schedule(ScopedModel):
    """When a checklist is done, by whom, at a school (or at every school of a bureau's area)."""

    access = Rule(perm=Perm.VIEW_CHECKS)

    template = models.ForeignKey(
        "checks.ChecklistTemplate",
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="schedules",
    )
    title = models.CharField(_("title"), max_length=160)
    rule = models.JSONField(_("recurrence"))
    for_area = models.BooleanField(_("for every school of the area"), default=False)
    post_role = models.CharField(_("post"), max_length=20, choices=Role.choices, blank=True)
    assignees = models.ManyToManyField(_USER, verbose_name=_("people"), blank=True, related_name="+")
    duration_minutes = models.PositiveIntegerField(_("time allowed (minutes)"), default=60)
    grace_minutes = models.PositiveIntegerField(_("grace (minutes)"), default=30)
    remind_minutes = models.PositiveIntegerField(_("reminder before due (minutes)"), default=15)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ScheduleStatus.choices, default=ScheduleStatus.ACTIVE
    )
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_path", "title", "id"]
        verbose_name = _("check schedule")
        verbose_name_plural = _("check schedules")
        indexes = [models.Index(fields=["status", "unit_path"])]

    def __str__(self) -> str:
        return self.title


class Task(ScopedModel):
    """One occurrence of a schedule at a school (unit = the school)."""

    access = Rule(perm=Perm.VIEW_CHECKS)

    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="tasks")
    version = models.ForeignKey("checks.TemplateVersion", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("title"), max_length=160)
    day = models.DateField(_("day"))  # the local (Asia/Shanghai) day of `opens_at`
    opens_at = models.DateTimeField(_("opens"))
    due_at = models.DateTimeField(_("due"))
    closes_at = models.DateTimeField(_("accepted until"))  # due + grace: then missed
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    on_time = models.BooleanField(null=True)  # done by `due_at` (None until done)
    client_id = models.UUIDField(null=True, blank=True, unique=True)  # the submission's idempotency key
    failed_items = models.PositiveIntegerField(default=0)
    hazards_raised = models.PositiveIntegerField(default=0)
    status_changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "id"]
        verbose_name = _("check task")
        verbose_name_plural = _("check tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "unit", "opens_at"], name="check_task_once_per_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["unit_path", "day"]),
            models.Index(fields=["status", "closes_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.opens_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """The answer to one item of a done task; a failed item links the hazard it raised."""

    access = Rule(related=("task", "checks.Task"), subtree=False)

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("checks.TemplateItem", on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    value_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.CharField(max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photos = models.ManyToManyField("checks.CheckPhoto", blank=True, related_name="answers")
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="check_answers"
    )

    class Meta:
        ordering = ["task", "item__order"]
        constraints = [models.UniqueConstraint(fields=["task", "item"], name="check_answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.item_id}={self.result}"

    @property
    def value(self) -> Any:
        return self.value_number if self.value_number is not None else (self.value_text or None)
