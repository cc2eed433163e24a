"""Forms of the supervision pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import LetterKind, SanctionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PENALTY_MEASURES = ["责令整改", "取消评优评先资格", "约谈校长", "扣减考核分", "问责相关责任人", "停止招生"]


class ListForm(forms.Form):
    deadline = forms.DateField(label=gettext_lazy("Rectify by"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class LiftForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the hazard is not closed yet: say why."),
    )


def default_body(kind: str) -> str:
    """The requirements text a new letter starts from (the bureau edits it)."""
    if kind == LetterKind.REMINDER:
        return _(
            "Please take these hazards seriously, check them against the relevant safety rules, rectify "
            "them promptly and report the result in writing. Where a hazard cannot be removed at once, "
            "take interim safety measures to prevent accidents."
        )
    return _(
        "Please treat these hazards as a matter of priority: set out a rectification plan that names "
        "the responsible person, measures, funds, time limit and emergency arrangements; take interim "
        "safety measures until the hazards are removed; and report the rectification in writing, with "
        "photos of the result, by the deadline below. Hazards not rectified in time will be listed for "
        "supervision and those responsible held to account."
    )


class LetterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of letter"), choices=LetterKind.choices, widget=forms.RadioSelect
    )
    hazards = forms.MultipleChoiceField(
        label=gettext_lazy("Hazards (the letter's items)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_items = forms.CharField(
        label=gettext_lazy("Other items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One item a line, for problems not registered as hazards."),
    )
    body = forms.CharField(label=gettext_lazy("Requirements"), widget=forms.Textarea(attrs={"rows": 6}))
    deadline = forms.DateField(label=gettext_lazy("Reply by"), widget=DATE)

    def __init__(self, *args: Any, hazards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hazards"].choices = [
            (str(h.pk), f"{h.number} · {h.get_grade_display()} · {h.location} · {h.get_status_display()}")
            for h in hazards
        ]


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Written reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=gettext_lazy("Attachment (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def hazard_choices(hazards: Any) -> list[tuple[str, str]]:
    return [("", "—"), *((str(h.pk), f"{h.number} · {h.location}") for h in hazards)]


class InterviewForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    hazard = forms.ChoiceField(label=gettext_lazy("Hazard"), required=False)
    people = forms.CharField(
        label=gettext_lazy("People interviewed"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "张三, 校长"}),
        help_text=gettext_lazy("One person a line: name, post."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    record = forms.CharField(
        label=gettext_lazy("Interview record"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, hazards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hazard"].choices = hazard_choices(hazards)

    def people_rows(self) -> list[dict[str, str]]:
        rows = []
        for text in self.cleaned_data["people"].splitlines():
            for sep in ("，", "、", ",", "\t"):
                text = text.replace(sep, ",")
            if text.strip():
                name, _sep, post = text.partition(",")
                rows.append({"name": name, "post": post})
        return rows


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Notice or penalty"), choices=SanctionKind.choices)
    measure = forms.CharField(
        label=gettext_lazy("Measure"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "penalty-measures"}),
        help_text=gettext_lazy("For a penalty: e.g. ordered to rectify, withdrawn from awards."),
    )
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    hazard = forms.ChoiceField(label=gettext_lazy("Hazard"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Text of the decision"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, hazards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hazard"].choices = hazard_choices(hazards)
