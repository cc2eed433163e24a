"""Visitors at the school gate (issue 18 item 1): visits, the school's watch list and its public
booking link.

A visit's `status` moves only through `visitors.workflow.TRANSITIONS`. The visitor's mobile and ID
number are encrypted at rest with a keyed hash for matching (invariant 6) and shown masked; the
`pass_code` is what the visitor's QR carries and what the guard types or scans at the desk.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core import crypto
from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel
from safecampus.core.validators import normalise, normalise_mobile

_USER = settings.AUTH_USER_MODEL


def normalise_id_number(value: str) -> str:
    return normalise(value).upper()


class VisitStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("visit", "Waiting for the host")
    APPROVED = "approved", pgettext_lazy("visit", "Approved")
    DECLINED = "declined", pgettext_lazy("visit", "Declined")
    INSIDE = "inside", pgettext_lazy("visit", "Inside")
    LEFT = "left", pgettext_lazy("visit", "Left")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")


class Source(models.TextChoices):
    HOST = "host", _("Pre-registered by the host")
    BOOKING = "booking", _("Booked by the visitor")
    WALK_IN = "walk_in", _("Walk-in at the gate")


class Visit(ScopedModel):
    """One visit to a school. The school's gate staff read its visits; a host reads the visits
    they host."""

    access = Rule(perm=Perm.VIEW_GATE, own="host")

    visitor_name = models.CharField(_("visitor's name"), max_length=60)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.ForeignKey(
        _USER, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expected_at = models.DateTimeField(_("expected at"), db_index=True)
    plate = models.CharField(_("vehicle plate"), max_length=12, blank=True)
    items = models.CharField(_("items carried"), max_length=200, blank=True)
    pass_code = models.CharField(_("pass code"), max_length=12, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PENDING
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, db_index=True)
    checked_in_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True, db_index=True)
    checked_out_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A watch-list entry matched this visitor when the guard looked them up (kept for the log).
    watch_match = models.ForeignKey(
        "visitors.WatchEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["expected_at", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_id"],
                condition=Q(client_id__isnull=False),
                name="visit_client_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "expected_at"]),
            models.Index(fields=["unit", "checked_in_at"]),
            models.Index(fields=["unit", "checked_out_at"]),
        ]

    phone = crypto.encrypted_attribute("phone", normalise_mobile)
    phone_masked = crypto.masked_attribute("phone", crypto.mask_phone)
    id_number = crypto.encrypted_attribute("id_number", normalise_id_number)
    id_number_masked = crypto.masked_attribute("id_number", crypto.mask_id_card)

    def __str__(self) -> str:
        # The audit trail's name of the visit: bureaus read the audit log, not visitors' names.
        return f"{self.pass_code} {self.name_masked}"

    @property
    def name_masked(self) -> str:
        """The visitor's name with all but the first character hidden (the gate log, bureaus)."""
        name = self.visitor_name or ""
        return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class WatchReason(models.TextChoices):
    COURT_ORDER = "court_order", _("Court order (restraining order)")
    CUSTODY = "custody", _("Custody ruling")
    SCHOOL_BAN = "school_ban", _("Barred by the school")
    OTHER = "other", pgettext_lazy("watch list reason", "Other")


class WatchEntry(ScopedModel):
    """A person the school's gate must not let in (or must call the principal about): kept by the
    principal, matched by ID number (keyed hash) or exact name at lookup, walk-in and check-in."""

    access = Rule(perm=Perm.MANAGE_WATCHLIST)

    name = models.CharField(_("name"), max_length=60)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    reason = models.CharField(_("reason"), max_length=12, choices=WatchReason.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch-list entries")
        indexes = [models.Index(fields=["unit", "is_active"])]

    id_number = crypto.encrypted_attribute("id_number", normalise_id_number)
    id_number_masked = crypto.masked_attribute("id_number", crypto.mask_id_card)

    def __str__(self) -> str:
        masked = self.name[:1] + "*" * max(len(self.name) - 1, 1) if self.name else ""
        return f"{masked} ({self.get_reason_display()})"


class BookingLink(ScopedModel):
    """A school's public booking page: `/gate/visits/book/<token>/` (the QR on the gate's poster).
    A new token closes the old address."""

    access = Rule(perm=Perm.VIEW_GATE)

    token = models.CharField(max_length=32, unique=True, editable=False)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit"], name="visitors_one_booking_link_per_school")]

    def __str__(self) -> str:
        return f"booking link {self.unit_id}"
