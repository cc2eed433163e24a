"""The security force of a school (人防, seeds 001 and 003): its guards (保安), employed by the school
or contracted through a security company, each with a 保安员证 certificate, and the companies.

A guard's ID-card number and mobile are personal data (DESIGN invariant 6): encrypted at rest with
a keyed hash, masked by default, each unmasked view an audit event (`guards.privacy`).

A guard's *status* is on post or left (one transition, `guards.services.TRANSITIONS`). Whether the
guard counts towards the school's staffing, is certified, trained or over age is derived by
`guards.staffing` from the row and the school's policy, never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecampus.core import crypto
from safecampus.core.access import Rule
from safecampus.core.roles import Perm
from safecampus.core.scoping import ScopedModel

_USER = settings.AUTH_USER_MODEL


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("Employed by the school")
    CONTRACTED = "contracted", _("Contracted through a security company")


class GuardStatus(models.TextChoices):
    ON_POST = "on_post", _("On post")
    LEFT = "left", _("Left")


class SecurityCompany(ScopedModel):
    """A licensed security service company (保安服务公司) a school contracts guards from; each school
    keeps its own record of its contractor."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    name = models.CharField(_("company name"), max_length=120)
    licence_no = models.CharField(_("licence number"), max_length=60, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("security company")
        verbose_name_plural = _("security companies")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="guards_company_name_once_per_school"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_snapshot(self) -> dict[str, Any]:
        return {"name": self.name, "licence_no": self.licence_no, "contact_name": self.contact_name}


class Campus(ScopedModel):
    """What of a school's site the staffing rules read beyond its pupils: the number of gates
    (the large-campus rule, `guards.large_campus`). One row per school; none means one gate."""

    access = Rule(perm=Perm.VIEW_SECURITY)

    gates = models.PositiveSmallIntegerField(_("gates"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        constraints = [models.UniqueConstraint(fields=["unit"], name="guards_campus_once_per_school")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.gates}"


class Guard(ScopedModel):
    """One security guard of a school."""

    # School managers read their school's guards, bureaus their area's (personal data masked).
    access = Rule(perm=Perm.VIEW_SECURITY)

    name = models.CharField(_("name"), max_length=60)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    employment = models.CharField(
        _("employment"), max_length=12, choices=Employment.choices, default=Employment.EMPLOYED
    )
    company = models.ForeignKey(
        SecurityCompany,
        verbose_name=_("security company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guards",
    )
    full_time = models.BooleanField(_("full time"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GuardStatus.choices, default=GuardStatus.ON_POST
    )
    certificate_no = models.CharField(_("guard certificate number"), max_length=40, blank=True)
    certificate_expires = models.DateField(_("certificate expires on"), null=True, blank=True)
    user = models.ForeignKey(
        _USER,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guard_records",
    )
    started_on = models.DateField(_("on post since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "name", "id"]
        verbose_name = _("security guard")
        verbose_name_plural = _("security guards")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="guards_id_number_once_per_school",
            ),
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=Q(user__isnull=False),
                name="guards_user_once_per_school",
            ),
        ]
        indexes = [models.Index(fields=["unit_path", "status"]), models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.name

    id_number = crypto.encrypted_attribute("id_number", lambda v: (v or "").strip().upper())
    id_number_masked = crypto.masked_attribute("id_number", crypto.mask_id_card)
    phone = crypto.encrypted_attribute("phone", lambda v: (v or "").strip())
    phone_masked = crypto.masked_attribute("phone", crypto.mask_phone)

    @property
    def on_post(self) -> bool:
        return self.status == GuardStatus.ON_POST

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def certified_on(self, day: dt.date) -> bool:
        """A certificate number with an expiry date not yet passed."""
        return (
            bool(self.certificate_no)
            and self.certificate_expires is not None
            and self.certificate_expires >= day
        )

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number": self.id_number_masked if self.id_number_enc else "",
            "phone": self.phone_masked if self.phone_enc else "",
            "birth_date": self.birth_date.isoformat() if self.birth_date else "",
            "employment": self.employment,
            "company": self.company.name if self.company_id else "",
            "full_time": self.full_time,
            "status": self.status,
            "certificate_no": self.certificate_no,
            "certificate_expires": self.certificate_expires.isoformat() if self.certificate_expires else "",
            "user": self.user_id or "",
        }
