"""Forms of the register's pages: they render and parse; the services validate (their errors are
put back on the fields by `apply_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.errors import DomainError, InvalidFields

from .models import Employment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GuardForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID-card number"),
        max_length=40,
        required=False,
        help_text=_("Kept encrypted and shown masked. Leave empty to keep the number on file."),
    )
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=40,
        required=False,
        help_text=_("Kept encrypted and shown masked. Leave empty to keep the number on file."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DATE,
        help_text=_("Read from the ID-card number when empty."),
    )
    employment = forms.ChoiceField(label=_("Employment"), choices=Employment.choices)
    company = forms.ChoiceField(label=_("Security company"), required=False)
    full_time = forms.BooleanField(label=_("Full-time guard"), required=False, initial=True)
    certificate_no = forms.CharField(label=_("Guard certificate number"), max_length=40, required=False)
    certificate_expires = forms.DateField(label=_("Certificate expires on"), required=False, widget=DATE)
    user = forms.ChoiceField(
        label=_("User account"),
        required=False,
        help_text=_("The guard's account at this school: training hours are read from it."),
    )
    started_on = forms.DateField(label=_("On post since"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, companies: list[tuple[Any, str]], accounts: list[tuple[Any, str]], **kw: Any
    ):
        super().__init__(*args, **kw)
        self.fields["company"].choices = [("", "—"), *companies]
        self.fields["user"].choices = [("", "—"), *accounts]

    def service_data(self, *, editing: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if editing:  # masked values are not shown: an empty box keeps what is on file
            for name in ("id_number", "phone"):
                if not data.get(name):
                    data.pop(name, None)
        return data


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=120)
    licence_no = forms.CharField(label=_("Licence number"), max_length=60, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)


class GatesForm(forms.Form):
    gates = forms.IntegerField(label=_("Gates"), min_value=1, max_value=50)


class LeaveForm(forms.Form):
    on = forms.DateField(label=_("Left on"), required=False, widget=DATE)


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)
