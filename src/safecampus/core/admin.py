"""Django admin for operators.

Every change to a unit made here goes through `core.services` (same rules, audit event and
rewrite of stored tenant paths as the UI); trace records, memberships and policy versions are
read-only here — roles are granted and revoked on the People pages, where they are audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .errors import DomainError, Invalid
from .models import AuditEvent, Membership, PolicyVersion, Unit

UNIT_FIELDS = ("code", "name", "kind", "school_type", "address", "contact_name", "contact_phone", "is_active")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators may look, never add, change or delete."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnitAdminForm(movenodeform_factory(Unit, fields=UNIT_FIELDS)):
    """Tree position + fields; validated and saved through the org services."""

    actor: Any = None  # set per request by UnitAdmin.get_form

    def _target_parent(self) -> Unit | None:
        ref = self.cleaned_data.get("treebeard_ref_node")
        if ref is None:
            return None
        position = self.cleaned_data.get("treebeard_position") or "last-child"
        return ref if position.endswith("child") else ref.get_parent()

    def _kind(self) -> str:
        return self.cleaned_data.get("kind") or self.instance.kind

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                self._check(data)
            except DomainError as exc:
                message = str(exc.message)
                field = exc.field if exc.field in self.fields else None
                raise forms.ValidationError({field: message} if field else message) from None
        return data

    def _check(self, data: dict) -> None:
        """The services' rules, checked before anything is written (they check again on save)."""
        parent = self._target_parent()
        kind = self._kind()
        services._validate_fields(kind, {f: data.get(f, "") for f in services.EDITABLE_FIELDS})
        if self.instance._state.adding:
            if not services.CODE_RE.match((data.get("code") or "").strip().lower()):
                message = _("The code may contain lower-case letters, digits and hyphens (at most 64).")
                raise Invalid(message, field="code")
            services._check_child_kind(parent, kind)
            if parent is not None and not parent.is_active:
                raise Invalid(_("Units cannot be added under an inactive unit."))
            return
        current = Unit.objects.get(pk=self.instance.pk)
        old_parent = current.get_parent()
        if (parent and parent.pk) != (old_parent and old_parent.pk):
            if parent is None or old_parent is None:
                raise Invalid(_("A top-level unit cannot be moved, and no unit can become one."))
            if not parent.is_active:
                raise Invalid(_("Units cannot be moved under an inactive unit."))
            services._check_child_kind(parent, kind)
        if "is_active" in data and data["is_active"] != current.is_active:
            if old_parent is None:
                raise Invalid(_("A top-level unit cannot be deactivated."), field="is_active")
            if not data["is_active"] and current.get_children().filter(is_active=True).exists():
                raise Invalid(_("Deactivate the sub-units of this unit first."), field="is_active")
            if data["is_active"] and not old_parent.is_active:
                raise Invalid(_("Reactivate the parent unit first."), field="is_active")

    def save(self, commit: bool = True) -> Unit:
        data = self.cleaned_data
        parent = self._target_parent()
        details = {f: data.get(f, "") for f in services.EDITABLE_FIELDS if f in data}
        if self.instance._state.adding:
            details.pop("name", None)
            unit = services.create_unit(
                parent, actor=self.actor, code=data["code"], name=data["name"], kind=data["kind"], **details
            )
            if "is_active" in data and not data["is_active"] and parent is not None:
                services.set_unit_active(unit, False, actor=self.actor)
        else:
            unit = Unit.objects.get(pk=self.instance.pk)
            old_parent = unit.get_parent()
            if parent is not None and old_parent is not None and parent.pk != old_parent.pk:
                unit = services.move_unit(unit, parent, actor=self.actor)
            services.update_unit(unit, actor=self.actor, **details)
            if "is_active" in data and data["is_active"] != unit.is_active:
                services.set_unit_active(unit, data["is_active"], actor=self.actor)
        self.instance = Unit.objects.get(pk=unit.pk)
        self.save_m2m = lambda: None
        return self.instance


def _unit_from(value: str | None) -> Unit | None:
    return Unit.objects.filter(pk=int(value)).first() if value and value.isdigit() else None


@admin.register(Unit)
class UnitAdmin(TreeAdmin):
    form = UnitAdminForm
    list_display = ("name", "code", "kind", "school_type", "is_active")
    list_filter = ("kind", "school_type", "is_active")
    search_fields = ("name", "code")
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> tuple[str, ...]:
        return ("code", "kind") if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Unit | None = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a fresh class per request
        return form

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        """The form has already saved through the services."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # units are deactivated, never deleted: their history stays

    def move_node(self, request: HttpRequest) -> HttpResponse:
        """Drag and drop in the tree: through services.move_unit, like the UI."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        node = _unit_from(request.POST.get("node"))
        target = _unit_from(request.POST.get("target"))
        relation = request.POST.get("relation")
        if node is None or target is None or relation not in ("child", "sibling"):
            messages.error(request, _("Invalid form data provided"))
            return HttpResponseBadRequest("Invalid form data provided")
        parent = target if relation == "child" else target.get_parent()
        if parent is None:
            messages.error(request, _("A top-level unit cannot be moved, and no unit can become one."))
            return HttpResponseBadRequest("Invalid move")
        current = node.get_parent()
        if current is not None and current.pk == parent.pk:
            return HttpResponse("OK")  # sorted tree: sibling order is by code, nothing to do
        try:
            services.move_unit(node, parent, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseBadRequest("Invalid move")
        message = _("“%(name)s” moved under %(parent)s.") % {"name": node.name, "parent": parent.name}
        messages.info(request, message)
        return HttpResponse("OK")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit", "is_active", "created_at", "revoked_at")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("user__name", "user__username", "unit__name", "unit__code")
    list_select_related = ("user", "unit")
    raw_id_fields = ("user", "unit")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "unit", "version", "effective_from", "source", "created_at")
    list_filter = ("effective_from",)
    search_fields = ("version", "unit__name", "unit__code", "source")
    list_select_related = ("unit",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "actor_name", "verb", "target_repr", "unit", "short_request")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "target_repr", "actor_name", "request_id", "target_id")
    date_hierarchy = "created_at"
    list_select_related = ("unit",)
    show_full_result_count = False

    @admin.display(description=_lazy("request id"))
    def short_request(self, obj: AuditEvent) -> str:
        return obj.request_id[:8]
