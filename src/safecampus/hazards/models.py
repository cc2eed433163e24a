"""Hazards (隐患) of a school and their closed loop: found → confirmed → assigned → rectified →
verified and closed (seed 001 双重预防, part 2).

The status moves only through the one transition table in `hazards.workflow`; every move is a
service in `hazards.services` with an audit event. The facts each step leaves (who, when, what)
are kept on the row so that lists, deadlines and statistics need no history walk.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel
from safecampus.risks.models import Category


class Source(models.TextChoices):
    SELF_CHECK = "self_check", _("School self-check")
    DAILY_INSPECTION = "daily_inspection", _("Daily inspection")
    PATROL = "patrol", _("Patrol")
    SPECIAL_INSPECTION = "special_inspection", _("Special inspection")
    BUREAU = "bureau", _("Bureau supervision")
    STAFF_REPORT = "staff_report", _("Report by staff")
    STUDENT_REPORT = "student_report", _("Report by a student")
    PARENT_REPORT = "parent_report", _("Report by a parent")
    OTHER_DEPARTMENT = "other_department", _("Other department")
    OTHER = "other", _("Other")


class Grade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not a hazard")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Being rectified")
    SUBMITTED = "submitted", _("Awaiting verification")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.REPORTED, Status.CONFIRMED, Status.ASSIGNED, Status.RECTIFYING, Status.SUBMITTED)
# Statuses in which the rectification deadline is running (overdue counts and escalates).
RUNNING_STATUSES = (Status.ASSIGNED, Status.RECTIFYING)


class Resolution(models.TextChoices):
    VERIFIED = "verified", _("Verified by the school")
    ACCEPTED = "accepted", _("Accepted by the bureau")
    ON_SPOT = "on_spot", _("Fixed on the spot")


class Escalation(models.TextChoices):
    """Which level's overdue board the hazard is on (it only ever rises)."""

    SCHOOL = "school", _("School")
    COUNTY = "county", _("County bureau")
    CITY = "city", _("City bureau")


ESCALATION_ORDER = {Escalation.SCHOOL: 0, Escalation.COUNTY: 1, Escalation.CITY: 2}

_USER = settings.AUTH_USER_MODEL


def _person(verbose: str) -> models.ForeignKey:
    return models.ForeignKey(
        _USER, verbose_name=verbose, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Hazard(ScopedModel):
    """One hidden danger found at a school."""

    # A school's staff read their school's hazards, a bureau its area; students and parents none.
    access = Rule(perm=Perm.VIEW_HAZARDS)

    client_id = models.UUIDField(null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    grade = models.CharField(
        pgettext_lazy("hazard", "grade"), max_length=8, choices=Grade.choices, default=Grade.GENERAL
    )
    location = models.CharField(_("location"), max_length=200)
    area = models.ForeignKey(
        "risks.PlanArea", verbose_name=_("map area"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    pin_x = models.FloatField(null=True, blank=True)
    pin_y = models.FloatField(null=True, blank=True)
    description = models.TextField(_("description"))
    risk_point = models.ForeignKey(
        "risks.RiskPoint", verbose_name=_("risk point"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="hazards",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    reported_by = _person(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    status_changed_at = models.DateTimeField()
    # confirm / reject
    confirmed_by = _person(_("confirmed by"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(_("reason"), blank=True)
    # assign
    rectifier = _person(_("rectifier"))
    assigned_by = _person(_("assigned by"))
    assigned_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    plan = models.TextField(_("rectification plan"), blank=True)
    interim_measures = models.TextField(_("interim safety measures"), blank=True)
    # rectify
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submit_note = models.TextField(_("rectification note"), blank=True)
    sent_back_count = models.PositiveSmallIntegerField(default=0)
    send_back_reason = models.TextField(_("reason sent back"), blank=True)
    # verify / close
    verified_by = _person(_("verified by"))
    verify_note = models.TextField(_("verification note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    # escalation of an overdue hazard
    escalation = models.CharField(
        _("escalated to"), max_length=8, choices=Escalation.choices, default=Escalation.SCHOOL
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="hazard_client_id_once_per_reporter",
            )
        ]
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            # Overdue counts and the escalated queue answer from the index alone (PostgreSQL)
            models.Index(
                fields=["status", "deadline"], include=["unit_path", "grade"], name="hazard_status_deadline"
            ),
            models.Index(
                fields=["escalation", "status"], include=["unit_path"], name="hazard_escalation_status"
            ),
            models.Index(fields=["rectifier", "status"]),
            # Queues by state and grade (rectifications to verify / accept) from the index alone
            models.Index(
                fields=["status", "grade"], include=["unit_path", "rectifier"], name="hazard_status_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.location}"

    @property
    def number(self) -> str:
        """The register number (隐患编号) printed on lists and letters."""
        return f"YH{self.pk or 0:06d}"

    @property
    def is_major(self) -> bool:
        return self.grade == Grade.MAJOR

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_days(self, today) -> int:
        """Days past the deadline while rectification runs; 0 when not overdue."""
        if self.status not in RUNNING_STATUSES or self.deadline is None:
            return 0
        return max(0, (today - self.deadline).days)


class PhotoStage(models.TextChoices):
    REPORT = "report", _("Found")
    EVIDENCE = "evidence", _("After rectification")


class HazardPhoto(ScopedModel):
    """A photo of the hazard (re-encoded on upload: no EXIF, no location)."""

    access = Rule(perm=Perm.VIEW_HAZARDS)

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(pgettext_lazy("photo", "stage"), max_length=10, choices=PhotoStage.choices)
    image = models.FileField(upload_to="hazards/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = _person(_("uploaded by"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class PendingKind(models.TextChoices):
    """Which photo field of the report form a kept photo was chosen in."""

    FOUND = "photos", _("Found")
    SPOT = "spot_photos", _("Photo of the result")


class PendingPhoto(models.Model):
    """A photo chosen on the report form when the form came back with errors: kept (already
    re-encoded) for its uploader under the form's client id, shown again, attached by the final
    submit, and deleted after a day if the form is never sent (`hazards.pending`)."""

    uploaded_by = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField()
    kind = models.CharField(max_length=12, choices=PendingKind.choices, default=PendingKind.FOUND)
    image = models.FileField(upload_to="hazards/pending/%Y/%m/", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["uploaded_by", "client_id"])]

    def __str__(self) -> str:
        return f"{self.client_id} {self.kind} #{self.pk}"


from .stats_models import HazardCell, HazardDelta, HazardTotalCell, HazardTotalDelta  # noqa: E402,F401  (statistics of the loop)
