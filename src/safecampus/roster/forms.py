"""Forms of the roster pages: upload, apply, and the student filters of a class."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import MAX_BYTES
from .models import Gender, ImportKind, StudentStatus


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=ImportKind.choices,
        initial=ImportKind.STUDENTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel .xlsx, or CSV in UTF-8 or GBK; at most 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ApplyForm(forms.Form):
    confirm_new_classes = forms.BooleanField(
        label=_("Create these classes"),
        required=False,
    )


ANY = [("", _("Any"))]


class StudentFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, student number or ID-card number"), max_length=60, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=ANY + Gender.choices, required=False)
    boarding = forms.ChoiceField(
        label=_("Boarding"),
        choices=[*ANY, ("yes", _("Boarding")), ("no", _("Day student"))],
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=ANY + StudentStatus.choices, required=False)
