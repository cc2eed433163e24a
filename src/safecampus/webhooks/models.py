"""Outgoing webhook endpoints of a bureau and the log of their deliveries.

An endpoint receives the events of its bureau's subtree that it subscribed to. Each event becomes
one Delivery per endpoint, attempted in the background with back-off until the receiver answers
2xx or the schedule is spent; the delivery log per endpoint keeps every attempt's outcome. The
signing secret is stored encrypted; after a rotation the previous secret keeps signing alongside
the new one for a grace period, so receivers can switch without losing messages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecampus.core.access import Rule
from safecampus.core.crypto import decrypt, encrypt
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel


class Endpoint(ScopedModel):
    access = Rule(perm=Perm.MANAGE_WEBHOOKS)

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    @property
    def secret(self) -> str:
        return decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt(value)

    @property
    def previous_secret(self) -> str:
        return decrypt(self.previous_secret_encrypted) if self.previous_secret_encrypted else ""

    @previous_secret.setter
    def previous_secret(self, value: str) -> None:
        self.previous_secret_encrypted = encrypt(value) if value else ""

    class Meta:
        ordering = ["unit_path", "pk"]
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Retrying")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(ScopedModel):
    """One event for one endpoint (the scope is the endpoint's bureau)."""

    access = Rule(perm=Perm.MANAGE_WEBHOOKS)

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=64)
    event_type = models.CharField(_("event"), max_length=64)
    event_unit = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "message_id"], name="webhooks_delivery_once"),
        ]
        verbose_name = _("webhook delivery")
