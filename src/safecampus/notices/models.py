"""Notices and early warnings (通知 / 预警 / 家长告知书), their receipts and the schools' answers.

A `Notice` belongs to its sender's unit. Its audience is stored as RULES (`audience`: target units,
staff roles, pupils, parents, school types, grade levels, classes; the target units' paths also as
`NoticeTarget` rows for the inbox's index lookup) and is resolved when someone reads — publishing
writes no row per recipient (`notices.audience`).

A `Receipt` is written only when a recipient reads or confirms: one per (notice, user, child) —
`child` is the pupil a parent answers for (a receipt per child), empty for staff and pupils. It is
counted by the `notice_reach` roll-up at the node where it was given (`notices.rollup`).

A bureau's notice may ask each school to acknowledge (an urgent warning, within hours), to forward
it to its classes and parents with its own lines, and to report back ("measures taken"): one
`SchoolResponse` per (notice, school), written when the school acts.

The status moves only along `notices.workflow.TRANSITIONS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class NoticeKind(models.TextChoices):
    NOTICE = "notice", pgettext_lazy("notice kind", "Notice")
    WARNING = "warning", pgettext_lazy("notice kind", "Warning")
    PARENT_LETTER = "parent_letter", pgettext_lazy("notice kind", "Letter to parents")


class ConfirmMode(models.TextChoices):
    READ = "read", pgettext_lazy("confirm mode", "Read")
    CONFIRM = "confirm", pgettext_lazy("confirm mode", "Press to confirm")
    RECEIPT = "receipt", pgettext_lazy("confirm mode", "Receipt per child")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice", "Draft")
    PUBLISHED = "published", pgettext_lazy("notice", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice", "Withdrawn")


class Notice(ScopedModel):
    """One notice or warning of a bureau or school (its `unit`)."""

    # Senders and readers of reach see the notices of their subtree (a county its schools' ones);
    # recipients and the units addressed reach theirs through `notices.queries`.
    access = Rule(perm=Perm.VIEW_NOTICE_REACH)

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    kind = models.CharField(
        pgettext_lazy("notice", "kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.NOTICE
    )
    confirm = models.CharField(
        _("confirmation"), max_length=10, choices=ConfirmMode.choices, default=ConfirmMode.READ
    )
    question = models.CharField(_("question to answer"), max_length=200, blank=True)
    signature = models.BooleanField(_("drawn signature asked for"), default=False)
    audience = models.JSONField(_("audience"), default=dict)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version of the text"), default=1)
    # A bureau's asks of each school addressed.
    ack_hours = models.PositiveSmallIntegerField(_("acknowledge within (hours)"), null=True, blank=True)
    require_forward = models.BooleanField(_("schools forward it"), default=False)
    require_report = models.BooleanField(_("schools report back"), default=False)
    # A school's forward of a bureau's notice: the original and the school's own lines.
    forwarded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="forwards"
    )
    school_lines = models.TextField(_("the school's own lines"), blank=True)
    # The warning calendar's entry and season this draft was proposed from (`notices.calendar`).
    calendar_key = models.CharField(max_length=40, blank=True)
    season = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="notice_client_id_once",
            ),
            models.UniqueConstraint(
                fields=["forwarded_from", "unit"],
                condition=Q(forwarded_from__isnull=False),
                name="notice_forward_once_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            models.Index(fields=["unit", "calendar_key", "season"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ack_deadline(self):
        import datetime as dt

        if self.ack_hours and self.published_at:
            return self.published_at + dt.timedelta(hours=self.ack_hours)
        return None

    def audit_snapshot(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "confirm": self.confirm,
            "status": self.status,
            "version": self.version,
            "audience": self.audience,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


class NoticeTarget(models.Model):
    """A unit a notice is addressed to (its subtree): the inbox finds a reader's notices by the
    paths of the reader's units and their ancestors."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "unit"], name="uniq_notice_target")]
        indexes = [models.Index(fields=["path", "notice"])]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.path}"


class Receipt(ScopedModel):
    """One recipient's reading and confirming of a notice, for one child (parents) or none.

    `unit`, `grade_id` and `class_id` are where it counts: the child's (a parent), the pupil's own,
    or the staff member's unit — as they were when it was first written."""

    access = Rule(perm=Perm.VIEW_NOTICE_REACH, own="user")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="receipts")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="notice_receipts")
    child = models.ForeignKey(
        "roster.Student", null=True, blank=True, on_delete=models.CASCADE, related_name="notice_receipts"
    )
    grade_id = models.IntegerField(default=0)
    class_id = models.IntegerField(default=0)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version confirmed"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=200, blank=True)
    # A drawn signature: a PNG data URL or an SVG path, as the page's canvas sends it.
    signature = models.TextField(_("signature"), blank=True)

    class Meta:
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user", "child"],
                condition=Q(child__isnull=False),
                name="uniq_receipt_per_child",
            ),
            models.UniqueConstraint(
                fields=["notice", "user"], condition=Q(child__isnull=True), name="uniq_receipt_per_user"
            ),
        ]
        indexes = [models.Index(fields=["user", "notice"]), models.Index(fields=["notice", "class_id"])]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.user_id}/{self.child_id or '-'}"


class Reminder(models.Model):
    """A head teacher's reminder to one family (parent, child) on one day: at most once a day."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user", "child", "day"], name="uniq_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.user_id}/{self.child_id} {self.day}"


class SchoolResponse(ScopedModel):
    """A school's answers to a bureau's notice: acknowledged, forwarded, reported (on its school)."""

    access = Rule(perm=Perm.VIEW_NOTICE_REACH)

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="school_responses")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    forward = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.TextField(_("measures taken"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="uniq_school_response"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} @ {self.unit_id}"


from .stats_models import ReachCell, ReachDelta  # noqa: E402,F401  (models of this app)
