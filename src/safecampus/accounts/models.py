"""Real-name users, login attempts (for lock-out), parents' reset codes and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core import crypto
from safecampus.core.access import scope_paths
from safecampus.core.roles import Perm
from safecampus.core.scoping import scope_q


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> UserQuerySet:
        """People with a membership where the viewer may see users; always oneself."""
        from safecampus.core.models import Membership

        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        paths = scope_paths(user, Perm.VIEW_USERS)
        if not paths:
            return self.filter(pk=user.pk)
        in_scope = Membership.objects.filter(user=OuterRef("pk")).filter(scope_q(paths, "unit__path"))
        return self.filter(Exists(in_scope) | models.Q(pk=user.pk))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("name", username)
        return self.create_user(username, password, **extra)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(username__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(_("username"), max_length=64, unique=True)
    name = models.CharField(_("real name"), max_length=60)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_card_enc = models.TextField(blank=True, editable=False)
    id_card_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("operator (Django admin)"), default=False)
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~models.Q(phone_hash=""), name="uniq_user_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.username})" if self.name else self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username

    # Personal data: encrypted at rest, looked up by keyed hash, masked by default.
    phone = crypto.encrypted_attribute("phone")
    phone_masked = crypto.masked_attribute("phone", crypto.mask_phone)
    id_card = crypto.encrypted_attribute("id_card")
    id_card_masked = crypto.masked_attribute("id_card", crypto.mask_id_card)

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "name": self.name,
            "phone": self.phone_masked,
            "is_active": self.is_active,
            "must_change_password": self.must_change_password,
        }


class LoginAttempt(models.Model):
    """Every login attempt, kept for lock-out decisions and review."""

    identifier = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    success = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["identifier", "at"]),
            models.Index(fields=["address", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {'ok' if self.success else 'failed'} {self.at:%Y-%m-%d %H:%M}"


class LoginThrottle(models.Model):
    """One row per account and per client address, locked while an attempt is counted and
    recorded (accounts.throttle): parallel guesses cannot all pass the count before any is
    recorded."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class PasswordResetCode(models.Model):
    """A single-use code a school hands to a parent who forgot their password (roster.parent_reset).
    Only a hash is stored; it expires after PARENT_RESET_CODE_HOURS and when a newer one is issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"reset code of {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A Bearer token for API clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"
