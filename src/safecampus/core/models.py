"""Org tree, memberships, audit trail and policy versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .roles import BUREAU, ROLE_SPECS, Role
from .scoping import ScopedQuerySetMixin


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    SCHOOL = "school", _("School")
    DEPARTMENT = "department", _("Bureau department")


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    TWELVE_YEAR = "twelve_year", _("Twelve-year school")
    VOCATIONAL = "vocational", _("Vocational school")
    SPECIAL = "special", _("Special education school")
    UNIVERSITY = "university", _("University")


# Which kinds of unit may sit directly under which. None is the root level.
ALLOWED_CHILDREN: dict[str | None, set[str]] = {
    None: {UnitKind.PROVINCE},
    UnitKind.PROVINCE: {UnitKind.CITY, UnitKind.SCHOOL, UnitKind.DEPARTMENT},
    UnitKind.CITY: {UnitKind.COUNTY, UnitKind.SCHOOL, UnitKind.DEPARTMENT},
    UnitKind.COUNTY: {UnitKind.SCHOOL, UnitKind.DEPARTMENT},
    UnitKind.SCHOOL: set(),
    UnitKind.DEPARTMENT: set(),
}
BUREAU_KINDS = {UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.DEPARTMENT}


class UnitQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    scope_path_field = "path"


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, perm: str | None = None) -> UnitQuerySet:
        return self.get_queryset().visible_to(user, perm)


class Unit(MP_Node):
    """A node of the education system: province, city, county, school or bureau department."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    school_type = models.CharField(_("school type"), max_length=16, choices=SchoolType.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # No node_order_by: sorted insertion would renumber siblings' paths, and tenant rows store
    # their unit's path for scoping. Children are appended; lists sort in queries.
    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bureau(self) -> bool:
        return self.kind in BUREAU_KINDS

    @property
    def level(self) -> str:
        return BUREAU if self.is_bureau else "school"

    def ancestor_paths(self) -> list[str]:
        step = self.steplen
        return [self.path[: i * step] for i in range(1, len(self.path) // step)]

    def audit_snapshot(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "school_type": self.school_type,
            "address": self.address,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "is_active": self.is_active,
            "path": self.path,
        }


class MembershipQuerySet(ScopedQuerySetMixin, models.QuerySet):
    scope_path_field = "unit__path"


class Membership(models.Model):
    """A role held by a user at a unit. One person may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=models.Q(is_active=True),
                name="uniq_active_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def rank(self) -> int:
        return ROLE_SPECS[self.role].rank


class AuditEventQuerySet(ScopedQuerySetMixin, models.QuerySet):
    scope_path_field = "unit__path"

    def update(self, **kwargs):  # append-only
        raise TypeError("audit events are append-only")

    def delete(self):
        raise TypeError("audit events are append-only")


class AuditEvent(models.Model):
    """One trace record (痕迹). Append-only and hash-chained: see core.audit."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    # The unit's path when the event was written (region key, DESIGN.md) and the chain it joined.
    unit_path = models.CharField(max_length=255, blank=True, default="")
    chain = models.CharField(max_length=32, default="platform")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["chain", "id"], name="core_audit_chain_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("audit events are append-only")


PLATFORM_CHAIN = "platform"  # the chain of events about no unit (platform operators, system jobs)


class AuditChain(models.Model):
    """The head of one audit chain: one per province (top-level unit) plus the platform chain.
    Locked while appending to that chain only, so provinces never wait for one another."""

    key = models.CharField(max_length=32, primary_key=True)  # province path, or PLATFORM_CHAIN
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain {self.key} #{self.last_event_id}"


class PolicyVersion(models.Model):
    """A version of the regional policy (numbers from regulations) for a unit's subtree."""

    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="policies")
    version = models.CharField(_("version"), max_length=32)
    effective_from = models.DateField(_("effective from"))
    data = models.JSONField(_("values"))
    source = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="uniq_policy_version_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit or 'default'} v{self.version} ({self.effective_from})"


from .job_models import JobStatus, RenderJob  # noqa: E402,F401  (a model of the core app)
