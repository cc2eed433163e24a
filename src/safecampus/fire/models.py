"""The fire-equipment register (智慧消防, seed 002): a school's extinguishers, hydrants, alarms,
emergency lights, evacuation signs … per building and floor, each with a code printed in its QR
label, and the monthly checks done at the device.

A device's *state* is registered or retired (one transition, `fire.workflow`); its *status*
(ok / due / expired / failed) is derived from dates kept on the row — `expires_on` (production
date + the policy's service life of its type), `service_due_on` (last service + the policy's
service interval), `last_check_at` and `failed` (the last check failed and nothing fixed it
since) — by `fire.status`, in Python and as a query alike.
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


class DeviceType(models.TextChoices):
    EXTINGUISHER_POWDER = "extinguisher_powder", _("Dry powder extinguisher")
    EXTINGUISHER_CO2 = "extinguisher_co2", _("CO2 extinguisher")
    EXTINGUISHER_WATER = "extinguisher_water", _("Water-based extinguisher")
    HYDRANT = "hydrant", _("Indoor fire hydrant")
    SMOKE_DETECTOR = "smoke_detector", _("Smoke detector")
    ALARM_BUTTON = "alarm_button", _("Manual fire alarm button")
    EMERGENCY_LIGHT = "emergency_light", _("Emergency light")
    EVACUATION_SIGN = "evacuation_sign", _("Evacuation sign")
    FIRE_DOOR = "fire_door", _("Fire door")
    SPRINKLER = "sprinkler", _("Sprinkler")


class State(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")


class Status(models.TextChoices):
    """Derived, never stored (see `fire.status`); in the order of precedence."""

    EXPIRED = "expired", _("Expired")
    FAILED = "failed", _("Failed")
    DUE = "due", _("Check due")
    OK = "ok", _("OK")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class FireDevice(ScopedModel):
    """One piece of fire equipment of a school."""

    # A school's staff read their school's register, a bureau its area.
    access = Rule(perm=Perm.VIEW_HAZARDS)

    code = models.CharField(_("device code"), max_length=32)
    type = models.CharField(pgettext_lazy("fire device", "type"), max_length=24, choices=DeviceType.choices)
    building = models.CharField(_("building"), max_length=60)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    location = models.CharField(_("location"), max_length=200)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    last_service_date = models.DateField(_("last service"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_SERVICE)
    # Dates derived from the policy when the device is written (`fire.status.dates`).
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    service_due_on = models.DateField(_("service due on"), null=True, blank=True)
    # What the checks left: the latest one's time, and whether it failed with nothing fixed since.
    last_check_at = models.DateTimeField(_("last check"), null=True, blank=True)
    failed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["building", "floor", "code", "id"]
        verbose_name = _("fire device")
        verbose_name_plural = _("fire devices")
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="fire_device_code_once_per_school"),
        ]
        indexes = [
            models.Index(fields=["unit_path", "state", "type"]),
            # Expired devices of an area are counted from the index alone (bureau pages, cards).
            models.Index(
                fields=["expires_on"],
                include=["unit_path"],
                condition=Q(state="in_service"),
                name="fire_device_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_type_display()}"

    @property
    def place(self) -> str:
        """Building, floor and location in one line (the hazard's location, the label's)."""
        return " ".join(p for p in (self.building, self.floor, self.location) if p)


class DeviceCheck(ScopedModel):
    """One check of a device at the device (scanned from its label): pass or fail, a note and
    photos; a failed check raised `hazard` in the hazard loop. A phone's retry with the same
    `client_id` answers this check again."""

    access = Rule(perm=Perm.VIEW_HAZARDS)

    device = models.ForeignKey(FireDevice, on_delete=models.PROTECT, related_name="checks")
    client_id = models.UUIDField(editable=False)
    checked_by = models.ForeignKey(
        _USER, verbose_name=_("checked by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("checked at"), db_index=True)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fire_checks",
    )
    # What the statistics count by, as it was at the check: the month (YYYYMM, Asia/Shanghai),
    # the device's type, and whether it was the device's first check of that month.
    month = models.IntegerField()
    type = models.CharField(max_length=24, choices=DeviceType.choices)
    first_in_month = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("device check")
        verbose_name_plural = _("device checks")
        constraints = [
            models.UniqueConstraint(fields=["checked_by", "client_id"], name="fire_check_client_id_once"),
            models.UniqueConstraint(
                fields=["device", "month"], condition=Q(first_in_month=True), name="fire_check_first_in_month"
            ),
        ]
        indexes = [models.Index(fields=["device", "at"]), models.Index(fields=["unit_path", "month"])]

    def __str__(self) -> str:
        return f"{self.device_id} {self.result} {self.at:%Y-%m-%d}"


class CheckPhoto(ScopedModel):
    """A photo of a check (re-encoded on upload: no EXIF, no location)."""

    access = Rule(perm=Perm.VIEW_HAZARDS)

    device_check = models.ForeignKey(DeviceCheck, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="fire/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class PhotoUpload(models.Model):
    """A photo a phone uploaded ahead of its check (`POST /api/v1/fire/photos`), already
    re-encoded, its uploader's only until a check takes it (then it becomes a `CheckPhoto`)."""

    uploaded_by = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    image = models.FileField(upload_to="fire/uploads/%Y/%m/", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"upload {self.pk}"


from .stats_models import FireCell, FireDelta  # noqa: E402,F401  (statistics of the register)
