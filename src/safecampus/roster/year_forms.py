"""Forms of the school-year pages: transfer requests and decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .transfers import REASON_MAX


class TransferRequestForm(forms.Form):
    from_school = forms.CharField(
        label=_("Sending school (code)"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "school-codes", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    to_school = forms.CharField(
        label=_("Receiving school (code)"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"list": "school-codes", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(label=_("Student's name"), max_length=60)
    number = forms.CharField(
        label=_("Student number or ID-card number"),
        max_length=32,
        help_text=_("As on the transfer papers; it must match the student's record at the sending school."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    target_class = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    note = forms.CharField(max_length=REASON_MAX, required=False)


class TransferFilterForm(forms.Form):
    status = forms.CharField(required=False, max_length=16)
    q = forms.CharField(required=False, max_length=60)
