"""The request form: it renders and parses; the services validate (their errors are put back on
the fields by `apply_errors`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.errors import DomainError, InvalidFields

from .models import ExitKind

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FIELD_OF = {"student_id": "student", "from": "window_from", "until": "window_until"}


class ExitRequestForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    student = forms.ChoiceField(label=_("Pupil"))
    kind = forms.ChoiceField(label=pgettext_lazy("exit pass", "Kind"), choices=ExitKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,  # the service names a missing reason with the other fields
        widget=forms.TextInput(attrs={"placeholder": _("e.g. dentist appointment, family matter")}),
    )
    window_from = forms.CharField(label=_("From"), widget=MOMENT, required=False, max_length=40)
    window_until = forms.CharField(label=_("Until"), widget=MOMENT, required=False, max_length=40)

    def __init__(self, *args, students=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [
            (s.pk, f"{s.name} · {s.school_class}" if s.school_class_id else s.name) for s in students
        ]


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown on the form: each field's message on its field."""
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    for field, message in errors.items():
        name = FIELD_OF.get(field, field)
        form.add_error(name if name in form.fields else None, message)
