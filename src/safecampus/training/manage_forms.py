"""Forms of the content management pages. They parse input; the content services validate the
rules and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.models import SchoolType

from .models import Audience, Campaign, QuestionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHOICE_SLOTS = 8


def grade_choices() -> list[tuple[str, Any]]:
    names = {-3: _("Nursery class"), -2: _("Kindergarten, junior"), -1: _("Kindergarten, middle"),
             0: _("Kindergarten, senior")}  # fmt: skip
    out: list[tuple[str, Any]] = [("", _("Any"))]
    for level in range(-3, 13):
        out.append((str(level), names.get(level) or _("Grade %(n)s") % {"n": level}))
    return out


def current_school_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 8 else today.year - 1


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    school_year = forms.IntegerField(
        label=_("School year"), min_value=2000, max_value=2100, help_text=_("The year it starts, e.g. 2026.")
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    pass_mark = forms.IntegerField(
        label=_("Pass mark"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Out of 100. Leave empty for the policy's pass mark."),
    )

    @classmethod
    def initial_for(cls, campaign: Campaign | None) -> dict[str, Any]:
        if campaign is None:
            return {"school_year": current_school_year()}
        return {name: getattr(campaign, name) for name in cls.base_fields}


class ThemeForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("Short identifier in lower-case letters, digits and hyphens, e.g. drowning."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False, initial=0)


class StageForm(forms.Form):
    number = forms.IntegerField(label=_("Stage number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.key, t.name) for t in campaign.themes.all()]


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        required=False,
        help_text=_("Optional identifier, unique in the campaign (content packages use it)."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    audiences = forms.MultipleChoiceField(
        label=_("For whom"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    school_types = forms.MultipleChoiceField(
        label=_("School types (students)"),
        choices=SchoolType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: students of every kind of school."),
    )
    grade_min = forms.ChoiceField(label=_("From grade"), required=False, choices=grade_choices)
    grade_max = forms.ChoiceField(label=_("To grade"), required=False, choices=grade_choices)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[])
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[])
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False, initial=0)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "—")] + [
            (str(s.number), f"{s.number} · {s.title}") for s in campaign.stages.all()
        ]
        self.fields["theme"].choices = [("", "—")] + [(t.key, t.name) for t in campaign.themes.all()]


class LessonForm(forms.Form):
    """One form for the three kinds; the view drops the fields a kind does not use."""

    title = forms.CharField(label=_("Title"), max_length=120)
    title_en = forms.CharField(label=_("English title"), max_length=160, required=False)
    file = forms.FileField(label=_("File"), required=False)
    poster = forms.FileField(
        label=_("Poster image"),
        required=False,
        help_text=_("Optional: shown before the video plays. Without one, a frame of the video is used."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    body_html = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace small"}),
        help_text=_(
            "HTML: paragraphs <p>, headings <h2>/<h3>, lists, tables, bold, images. Scripts, "
            "styles, event handlers and images from other sites are removed: insert images with "
            "the button."
        ),
    )
    minutes = forms.IntegerField(
        label=_("Reading time (minutes)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("Learners are credited up to this time."),
    )
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False, initial=0)

    KIND_FIELDS = {
        "video": {"title", "title_en", "file", "poster", "order"},
        "article": {"title", "title_en", "body_html", "minutes", "order"},
        "document": {"title", "title_en", "file", "minutes", "order"},
    }

    def __init__(self, *args: Any, kind: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.KIND_FIELDS[kind]:
                del self.fields[name]
        if "file" in self.fields:
            media = self.fields["file"]
            if kind == "video":
                media.label = _("Video file")
                media.help_text = _("MP4 or WebM. Its length is read from the file.")
                media.widget.attrs["accept"] = "video/mp4,video/webm,.mp4,.webm"
            else:
                media.label = _("PDF document")
                media.widget.attrs["accept"] = "application/pdf,.pdf"
            if editing:
                media.help_text = _("Leave empty to keep the current file.")
            media.required = not editing
        for name in ("body_html", "minutes"):
            if name in self.fields:
                self.fields[name].required = True


class QuizForm(forms.Form):
    question_count = forms.IntegerField(
        label=_("Questions drawn per attempt"), min_value=1, max_value=100, initial=10
    )
    attempts_limit = forms.IntegerField(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty for no limit. The best score counts."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("question", "Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.MultipleChoiceField(
        label=_("Right answers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(i), str(i + 1)) for i in range(CHOICE_SLOTS)],
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the learner after the quiz is submitted."),
    )
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(CHOICE_SLOTS):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("Choice %(n)s") % {"n": i + 1}, max_length=300, required=False
            )

    def choice_rows(self) -> list[dict[str, Any]]:
        checked = set(self["answer"].value() or [])
        return [
            {"index": i, "field": self[f"choice_{i}"], "checked": str(i) in checked}
            for i in range(CHOICE_SLOTS)
        ]

    def parsed(self) -> tuple[list[str], list[int]] | None:
        """(choices, answer indexes) with empty slots left out; None after adding an error."""
        data = self.cleaned_data
        slots = [(i, (data.get(f"choice_{i}") or "").strip()) for i in range(CHOICE_SLOTS)]
        marked = {int(a) for a in data.get("answer") or []}
        if data.get("kind") == QuestionKind.TRUE_FALSE and not any(text for _i, text in slots[:2]):
            return [], sorted(a for a in marked if a < 2)
        choices: list[str] = []
        answer: list[int] = []
        for i, text in slots:
            if not text:
                if i in marked:
                    self.add_error("answer", _("Choice %(n)s is marked right but is empty.") % {"n": i + 1})
                    return None
                continue
            if i in marked:
                answer.append(len(choices))
            choices.append(text)
        return choices, answer

    @staticmethod
    def initial_for(question: Any) -> dict[str, Any]:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "explanation": question.explanation,
            "order": question.order,
            "answer": [str(a) for a in question.answer],
        }
        for i, choice in enumerate(question.choices[:CHOICE_SLOTS]):
            initial[f"choice_{i}"] = choice
        return initial


class PackageForm(forms.Form):
    file = forms.FileField(
        label=_("Content package (.zip)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Image"))
