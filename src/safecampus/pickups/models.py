"""Pickups (接送, issue 18 item 3): who may pick a pupil up, and each pickup at dismissal.

A pupil's guardians (`roster.Guardian`) may pick them up by default: they are derived, never copied
here. Other people are added by a parent (`PickupPerson`: a grandparent this week, a neighbour …)
with name, relation, mobile (encrypted, masked), photo and an expiry, and may be revoked. Each
attempt at the gate or the classroom door is a `Pickup`: allowed or refused with its reason, so
a refused attempt by an unknown or expired person is kept too (and the parents are told).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecampus.core import crypto
from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL

# The gate (guards, the school's office) reads its school's rows; head teachers their classes';
# parents their children's.
PICKUP_RULE = Rule(
    perm=Perm.VIEW_GATE,
    classes="student__school_class__",
    parents="student__guardians__parent",
)


class Refusal(models.TextChoices):
    """Why a pickup was refused ("" when it was allowed)."""

    EXPIRED = "expired", _("Authorisation expired")
    REVOKED = "revoked", _("Authorisation revoked")
    UNKNOWN = "unknown", _("Not an authorised person")
    NOT_YET = "not_yet", _("Authorisation not yet valid")


class PickupPerson(ScopedModel):
    """A person a parent authorised to pick their child up, until `valid_until` (inclusive)."""

    access = PICKUP_RULE

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="pickup_people")
    name = models.CharField(_("name"), max_length=60)
    relation = models.CharField(_("relation"), max_length=20)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    photo = models.FileField(upload_to="pickups/%Y/%m/", max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["student", "-valid_until", "id"]
        verbose_name = _("pickup person")
        verbose_name_plural = _("pickup people")
        constraints = [
            models.UniqueConstraint(
                fields=["added_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="pickup_person_client_once",
            ),
        ]
        indexes = [models.Index(fields=["student", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"

    phone = crypto.encrypted_attribute("phone")
    phone_masked = crypto.masked_attribute("phone", crypto.mask_phone)

    def refusal_on(self, day) -> str:
        """Why this person may not pick up on `day` ("" when they may)."""
        if self.revoked_at is not None:
            return Refusal.REVOKED
        if day > self.valid_until:
            return Refusal.EXPIRED
        if day < self.valid_from:
            return Refusal.NOT_YET
        return ""

    def audit_snapshot(self) -> dict:
        return {
            "student": self.student_id,
            "name": self.name,
            "relation": self.relation,
            "phone": self.phone_masked if self.phone_enc else "",
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "photo": bool(self.photo),
        }


class Pickup(ScopedModel):
    """One pickup attempt: who came for the pupil, when, who recorded it, allowed or refused."""

    access = PICKUP_RULE

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="pickups")
    person = models.ForeignKey(
        PickupPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="pickups"
    )
    guardian = models.ForeignKey(
        "roster.Guardian", null=True, blank=True, on_delete=models.SET_NULL, related_name="pickups"
    )
    # As it was at the pickup (the person's row may be revoked or the guardian unlinked later).
    person_name = models.CharField(_("picked up by"), max_length=60)
    relation = models.CharField(_("relation"), max_length=20, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    day = models.DateField(editable=False)
    recorded_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    allowed = models.BooleanField(_("allowed"))
    refusal = models.CharField(_("refusal reason"), max_length=12, choices=Refusal.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    client_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="pickup_client_once",
            ),
        ]
        indexes = [models.Index(fields=["unit_path", "day"]), models.Index(fields=["student", "day"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.person_name} {self.at:%Y-%m-%d %H:%M}"
