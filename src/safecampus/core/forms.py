"""Forms for the org tree, and `apply_errors` for every module's forms. They parse input; services
validate rules and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, InvalidFields
from .models import SchoolType, UnitKind


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown on the form: each field's message on its field."""
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


class UnitCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Stable identifier: lower-case letters, digits and hyphens, e.g. demo-c1-k1-s4."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    school_type = forms.ChoiceField(
        label=_("School type"), choices=[("", "—"), *SchoolType.choices], required=False
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)

    def __init__(self, *args, allowed_kinds: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = [(k, UnitKind(k).label) for k in allowed_kinds]


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    school_type = forms.ChoiceField(
        label=_("School type"), choices=[("", "—"), *SchoolType.choices], required=False
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)


class UnitMoveForm(forms.Form):
    parent = forms.CharField(
        label=_("New parent unit (code)"), max_length=64, help_text=_("The code of the unit to move under.")
    )


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    verb = forms.CharField(label=_("Action"), required=False, max_length=64)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
