"""Forms of the register's pages: they render and parse; the services validate (their errors are
put back on the fields by `apply_errors`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from safecampus.core.errors import DomainError, InvalidFields

from .models import Kind, Result


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000, initial=1)
    location = forms.CharField(label=_("Location"), max_length=200)
    police_linked = forms.BooleanField(
        label=_("Linked with the police"),
        required=False,
        help_text=_("Cameras and alarms: networked with the local public-security organ."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TestForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ClosedForm(forms.Form):
    confirmed = forms.BooleanField(label=_("The campus is under closed management"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)
