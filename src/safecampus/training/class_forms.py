"""Forms of the class pages: the board's filters, assigning lessons, classroom attendance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .class_services import MAX_LESSONS_PER_ASSIGNMENT

SHOW_ALL, SHOW_BEHIND, SHOW_ON_TRACK, SHOW_NO_ACCOUNT = "", "behind", "on_track", "no_account"


class BoardFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (SHOW_ALL, _("All students")),
            (SHOW_BEHIND, _("Behind")),
            (SHOW_ON_TRACK, _("On track")),
            (SHOW_NO_ACCOUNT, _("Without an account")),
        ],
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=60)


class AssignForm(forms.Form):
    start_on = forms.DateField(
        label=_("Start on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first lesson is due one interval after this date, each next one an interval later."),
    )
    lessons = forms.TypedMultipleChoiceField(
        label=_("Lessons"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one lesson.")},
    )

    def __init__(self, *args, lesson_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lessons"].choices = [(pk, str(pk)) for pk in lesson_ids]

    def clean_lessons(self) -> list[int]:
        chosen = self.cleaned_data["lessons"]
        if len(chosen) > MAX_LESSONS_PER_ASSIGNMENT:
            raise forms.ValidationError(
                _("Choose at most %(n)s lessons at a time."), params={"n": MAX_LESSONS_PER_ASSIGNMENT}
            )
        return chosen
