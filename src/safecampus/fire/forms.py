"""Forms of the register's pages: they render and parse; the services validate (their errors are
put back on the fields by `apply_errors`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.forms import apply_errors  # noqa: F401  (the register's views import it from here)

from .models import DeviceType, Result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeviceForm(forms.Form):
    code = forms.CharField(
        label=_("Device code"),
        max_length=32,
        help_text=_("Printed on its QR label; letters, digits and hyphens."),
    )
    type = forms.ChoiceField(label=pgettext_lazy("fire device", "Type"), choices=DeviceType.choices)
    building = forms.CharField(label=_("Building"), max_length=60)
    floor = forms.CharField(label=_("Floor"), max_length=20, required=False)
    location = forms.CharField(label=_("Location"), max_length=200)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=DATE)
    last_service_date = forms.DateField(label=_("Last service"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ServiceForm(forms.Form):
    date = forms.DateField(label=_("Service date"), widget=DATE)
    note = forms.CharField(
        label=_("What was done"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class CheckForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
