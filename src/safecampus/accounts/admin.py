"""Django admin for operators: accounts (without personal data), login attempts, API tokens.

Accounts are created and edited on the People pages (validation, encryption, audit). Here an
operator may only enable/disable an account or grant the operator flag; that change is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from safecampus.core import audit
from safecampus.core.admin import ReadOnlyAdmin

from .models import ApiToken, LoginAttempt, User

OPERATOR_FIELDS = ("is_active", "is_staff")


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
