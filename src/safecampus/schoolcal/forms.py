"""Forms of the calendar pages: a calendar year (terms, holidays, make-up days as three formsets)
and a school's time slots (one formset). They only parse; `services` validates the whole."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)


class MakeupForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=60, required=False)


class CalendarNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SlotForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=40, required=False)
    time = forms.TimeField(label=_("Time"), widget=TIME, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, standard_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.standard_name = standard_name
        if standard_name:
            self.fields["code"].widget = forms.HiddenInput()
            self.fields["name"].widget.attrs["placeholder"] = standard_name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("code") or data.get("name")) and data.get("time") is None and not self.errors:
            self.add_error("time", _("Enter a time (HH:MM)."))
        return data


def _formset(form: type[forms.Form], extra: int, limit: int) -> Any:
    return forms.formset_factory(
        form, extra=extra, can_delete=True, max_num=limit, validate_max=True, absolute_max=limit + 10
    )


TermFormSet = _formset(PeriodForm, 1, 6)
HolidayFormSet = _formset(PeriodForm, 2, 40)
MakeupFormSet = _formset(MakeupForm, 2, 40)


class BaseSlotFormSet(forms.BaseFormSet):
    """The first rows are the standard slots (their code fixed, their name the placeholder)."""

    def __init__(self, *args: Any, standard_names: list[str] | None = None, **kwargs: Any) -> None:
        self.standard_names = list(standard_names or [])
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.standard_names):
            kwargs["standard_name"] = self.standard_names[index]
        return kwargs


SlotFormSet = forms.formset_factory(
    SlotForm, formset=BaseSlotFormSet, extra=2, max_num=30, validate_max=True, absolute_max=40
)


def rows_of(formset: Any) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a valid formset."""
    out = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        out.append({k: v for k, v in data.items() if k != "DELETE"})
    return out
