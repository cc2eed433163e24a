"""Guard patrol rounds (巡查/巡更): a school's routes of checkpoints, the rounds each route's
windows open every day, the scans of the checkpoints' QR labels and what a guard observed.

A round's status moves only through `rules.TRANSITIONS` (open → complete / incomplete / missed,
and a late-synced offline scan may still lift a lapsed round); `rounds.recompute` derives it
from the round's scans. The facts a list needs (scanned / total, flags) are kept on the row.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.access import Rule
from safecampus.core.scoping import ScopedModel

from .perms import VIEW

_USER = settings.AUTH_USER_MODEL
CODE_LENGTH = 16


def new_code() -> str:
    """A random, unguessable checkpoint code (printed in the QR label): 80 bits, base32-like."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(CODE_LENGTH))


class PatrolRoute(ScopedModel):
    """A school's patrol route: checkpoints in order and the times its rounds start."""

    access = Rule(perm=VIEW)

    name = models.CharField(_("name"), max_length=80)
    # ["21:00", "23:00", …]: the local times at which a round of this route starts each day.
    windows = models.JSONField(_("round start times"), default=list)
    round_minutes = models.PositiveSmallIntegerField(_("minutes allowed per round"), default=60)
    ordered = models.BooleanField(_("checkpoints in order"), default=True)
    min_seconds_between = models.PositiveIntegerField(
        _("minimum seconds between checkpoints"), null=True, blank=True
    )  # None: the policy's minimum
    # The school boards pupils: its night rounds must follow the policy's maximum gap.
    boarding = models.BooleanField(_("boarding school night rounds"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        indexes = [models.Index(fields=["active", "unit"])]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict:
        return {
            "name": self.name,
            "windows": list(self.windows),
            "round_minutes": self.round_minutes,
            "ordered": self.ordered,
            "min_seconds_between": self.min_seconds_between,
            "boarding": self.boarding,
            "active": self.active,
        }


class Checkpoint(ScopedModel):
    """A point of a route where the guard scans the QR label."""

    access = Rule(perm=VIEW)

    route = models.ForeignKey(PatrolRoute, on_delete=models.CASCADE, related_name="checkpoints")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=32, unique=True, default=new_code, editable=False)
    name = models.CharField(_("name"), max_length=80)
    location = models.CharField(_("location"), max_length=200, blank=True)
    area = models.ForeignKey(
        "risks.PlanArea", verbose_name=_("map area"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["route", "order", "id"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict:
        return {"name": self.name, "order": self.order, "location": self.location,
                "area": self.area_id, "active": self.active}  # fmt: skip


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("patrol round", "Open")
    COMPLETE = "complete", _("Complete")
    INCOMPLETE = "incomplete", _("Incomplete")
    MISSED = "missed", pgettext_lazy("patrol round", "Missed")


class PatrolRound(ScopedModel):
    """One round of a route: its window, the guard(s) assigned and what the scans made of it."""

    access = Rule(perm=VIEW)

    route = models.ForeignKey(PatrolRoute, on_delete=models.CASCADE, related_name="rounds")
    day = models.DateField(_("day"))  # local date of the window's start
    window_start = models.DateTimeField(_("window start"))
    due_end = models.DateTimeField(_("due by"))
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    guards = models.ManyToManyField(_USER, blank=True, related_name="+", verbose_name=_("assigned guards"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    scanned = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    # {"missing": [checkpoint ids], "wrong_order": bool, "too_fast": [{"from", "to", "seconds"}]}
    flags = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["window_start", "id"]
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        constraints = [
            models.UniqueConstraint(fields=["route", "window_start"], name="patrol_round_once_per_window")
        ]
        indexes = [
            models.Index(fields=["unit_path", "day"]),
            models.Index(fields=["status", "due_end"]),
            models.Index(fields=["route", "due_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.route_id} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def flagged(self) -> bool:
        f = self.flags or {}
        return bool(f.get("missing") or f.get("wrong_order") or f.get("too_fast"))


class Scan(ScopedModel):
    """A checkpoint scanned: the phone's own id (idempotency key), its device time and ours."""

    access = Rule(perm=VIEW)

    id = models.UUIDField(primary_key=True, editable=False)
    round = models.ForeignKey(PatrolRound, on_delete=models.CASCADE, related_name="scans")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="scans")
    at = models.DateTimeField(_("scanned at (device time)"))
    received_at = models.DateTimeField(_("received at"))
    scanned_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["round", "at"])]

    def __str__(self) -> str:
        return str(self.id)


class Observation(ScopedModel):
    """Something a guard saw at a checkpoint: it becomes a hazard of the hazard loop."""

    access = Rule(perm=VIEW)

    client_id = models.UUIDField(null=True, blank=True)
    round = models.ForeignKey(PatrolRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="observations")
    note = models.TextField(_("note"))
    photo = models.ForeignKey(
        "hazards.HazardPhoto", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="+")
    observed_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"observation {self.pk}"


from .stats import PatrolCell, PatrolDelta  # noqa: E402,F401  (the rounds counted per unit and month)
