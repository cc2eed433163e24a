"""Forms of the visitors' pages: they render and parse; the services validate (their errors are
put back on the fields by `apply_errors`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.errors import DomainError, InvalidFields

from .models import WatchReason

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitorFields(forms.Form):
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=60)
    visitor_phone = forms.CharField(
        label=_("Mobile"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(label=_("ID-card number"), max_length=30, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=12, required=False)
    items = forms.CharField(label=_("Items carried"), max_length=200, required=False)


class HostVisitForm(VisitorFields):
    """A host registers a visitor ahead."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    expected_at = forms.CharField(label=_("Expected at"), widget=WHEN)
    field_order = ["visitor_name", "visitor_phone", "id_number", "purpose", "expected_at", "plate", "items"]


class WalkInForm(VisitorFields):
    """The guard registers a visitor at the gate (host optional)."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    host_id = forms.ChoiceField(label=_("Host"), required=False)

    def __init__(self, *args, hosts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_id"].choices = [("", "—"), *((h.pk, h.display_name) for h in hosts)]
        self.fields["id_number"].required = True


class BookingForm(VisitorFields):
    """A visitor books on the school's public page."""

    host_name = forms.CharField(label=_("Person you visit"), max_length=60)
    expected_at = forms.CharField(label=_("Expected at"), widget=WHEN)
    field_order = [
        "visitor_name", "visitor_phone", "id_number", "host_name", "purpose", "expected_at", "plate", "items",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitor_phone"].required = True
        self.fields["id_number"].required = True


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class WatchEntryForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    id_number = forms.CharField(label=_("ID-card number"), max_length=30, required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=WatchReason.choices)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("Court order or ruling number.")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown on the form: each field's message on its field."""
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    names = {"phone": "visitor_phone"}
    for field, message in errors.items():
        field = names.get(field, field)
        form.add_error(field if field in form.fields else None, message)
