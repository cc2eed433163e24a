"""Django admin for operators: accounts (without personal data), login attempts, API tokens.
Its login form signs in through `accounts.auth.login_user` (lock-out, audit).

Accounts are created and edited on the People pages (validation, encryption, audit). Here an
operator may only enable/disable an account or grant the operator flag; that change is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from safecampus.core import audit
from safecampus.core.admin import ReadOnlyAdmin
from safecampus.core.errors import DomainError
from safecampus.core.middleware import client_address

from .auth import login_user
from .models import ApiToken, LoginAttempt, User

OPERATOR_FIELDS = ("is_active", "is_staff")


class OperatorLoginForm(AdminAuthenticationForm):
    """The admin's login goes through the one sign-in service: lock-out per account and
    address, a recorded attempt and an audit event, like the sign-in page and the API."""

    def clean(self) -> dict[str, Any]:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_user(
                    username,
                    password,
                    address=client_address(self.request),
                    request=self.request,
                    operators_only=True,
                )
            except DomainError as exc:
                raise ValidationError(str(exc.message), code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = OperatorLoginForm


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("name", "username", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "must_change_password")
    search_fields = ("name", "username")
    ordering = ("name", "id")
    fields = (
        "username",
        "name",
        "is_active",
        "is_staff",
        "is_superuser",
        "must_change_password",
        "date_joined",
        "last_login",
        "password_changed_at",
    )
    readonly_fields = (
        "username",
        "name",
        "is_superuser",
        "must_change_password",
        "date_joined",
        "last_login",
        "password_changed_at",
    )
    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people are created on the People pages or with `safecampus manage createsuperuser`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are disabled, never deleted: their trace records stay attributable

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            stored = User.objects.select_for_update().get(pk=obj.pk)
            before = {f: getattr(stored, f) for f in OPERATOR_FIELDS}
            after = {f: getattr(obj, f) for f in OPERATOR_FIELDS}
            obj.save(update_fields=[f for f in OPERATOR_FIELDS if before[f] != after[f]] or None)
            if before != after:
                if not obj.is_active:
                    obj.api_tokens.update(revoked=True)
                first = obj.memberships.select_related("unit").order_by("-is_active", "id").first()
                audit.record(
                    request.user,
                    "user.updated",
                    obj,
                    unit=first.unit if first else None,
                    before=before,
                    after=after,
                )


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "identifier", "address", "user", "success")
    list_filter = ("success",)
    search_fields = ("identifier", "address", "user__username")
    date_hierarchy = "at"
    list_select_related = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "expires_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "user__name")
    exclude = ("key_hash",)
    list_select_related = ("user",)
