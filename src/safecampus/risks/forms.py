"""Forms of the risk pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit
from safecampus.roster.models import StaffPost

from .grading import RiskPolicy
from .models import Category, ControlLevel, Method


def _fmt(value: Any) -> str:
    return f"{float(value):g}"


def people_choices(unit: Unit) -> list[tuple[str, str]]:
    ids = Membership.objects.filter(unit=unit, is_active=True).values("user_id")
    people = User.objects.filter(pk__in=ids, is_active=True).order_by("name", "username")
    return [("", "—"), *((str(u.pk), u.display_name) for u in people)]


def post_suggestions(unit: Unit) -> list[str]:
    """Post names for the datalist: the school's staff posts and the usual ones."""
    usual = [
        "校长", "分管安全副校长", "安全办主任", "班主任", "任课教师", "体育教师", "实验员", "食堂管理员",
        "厨师", "宿管员", "保安", "门卫", "电工", "校车驾驶员", "校医", "心理教师", "后勤主任",
    ]  # fmt: skip
    mine = StaffPost.objects.filter(unit=unit).values_list("post", flat=True).distinct()
    return sorted({*usual, *mine})


class GradeFields(forms.Form):
    method = forms.ChoiceField(label=_("Grading method"), choices=Method.choices, initial=Method.LEC)
    l = forms.ChoiceField(label=_("L (likelihood)"), required=False)  # noqa: E741
    e = forms.ChoiceField(label=_("E (exposure)"), required=False)
    c = forms.ChoiceField(label=_("C (consequence)"), required=False)
    likelihood = forms.ChoiceField(label=_("Likelihood (1–5)"), required=False)
    severity = forms.ChoiceField(label=_("Severity (1–5)"), required=False)

    def __init__(self, *args: Any, policy: RiskPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["l"].choices = blank + [(_fmt(v), _fmt(v)) for v in policy.lec_l]
        self.fields["e"].choices = blank + [(_fmt(v), _fmt(v)) for v in policy.lec_e]
        self.fields["c"].choices = blank + [(_fmt(v), _fmt(v)) for v in policy.lec_c]
        self.fields["likelihood"].choices = blank + [(str(v), str(v)) for v in policy.ls_likelihood]
        self.fields["severity"].choices = blank + [(str(v), str(v)) for v in policy.ls_severity]

    def factors(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) or None for k in ("l", "e", "c", "likelihood", "severity")}


class PointForm(GradeFields):
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=160, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    building = forms.CharField(label=_("Building"), max_length=60, required=False)
    floor = forms.CharField(label=_("Floor"), max_length=20, required=False)
    room = forms.CharField(label=_("Room"), max_length=60, required=False)
    outdoor_area = forms.CharField(label=_("Outdoor area"), max_length=60, required=False)
    location = forms.CharField(
        label=_("Location"), max_length=200, required=False,
        help_text=_("Left empty, it is made from the building, floor, room or outdoor area."),
    )  # fmt: skip
    hazard_factors = forms.CharField(label=_("Hazard factors"), widget=forms.Textarea(attrs={"rows": 2}),
                                     max_length=2000, required=False)  # fmt: skip
    consequences = forms.CharField(label=_("Possible consequences"), widget=forms.Textarea(attrs={"rows": 2}),
                                   max_length=2000, required=False)  # fmt: skip
    controls = forms.CharField(label=_("Existing controls"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=2000, required=False)  # fmt: skip
    emergency_measures = forms.CharField(
        label=_("Emergency measures"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    responsible_post = forms.CharField(label=_("Responsible post"), max_length=40, required=False,
                                       widget=forms.TextInput(attrs={"list": "post-names"}))  # fmt: skip
    responsible_person = forms.ChoiceField(label=_("Responsible person"), required=False)
    control_level = forms.ChoiceField(
        label=_("Control level"), required=False,
        choices=[("", _("By level (policy)")), *ControlLevel.choices],
    )  # fmt: skip

    FIELD_ORDER = [
        "name", "name_en", "category", "building", "floor", "room", "outdoor_area", "location",
        "hazard_factors", "consequences", "controls", "emergency_measures", "responsible_post",
        "responsible_person", "control_level", "method", "l", "e", "c", "likelihood", "severity",
    ]  # fmt: skip
    DESCRIPTIVE = FIELD_ORDER[:15]

    def __init__(self, *args: Any, unit: Unit, grading: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].choices = people_choices(unit)
        self.order_fields(self.FIELD_ORDER)
        if not grading:
            for key in ("method", "l", "e", "c", "likelihood", "severity"):
                del self.fields[key]

    def descriptive(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in self.DESCRIPTIVE if k in self.cleaned_data}


class PlanForm(forms.Form):
    measures = forms.CharField(label=_("Control measures"), widget=forms.Textarea(attrs={"rows": 5}),
                               max_length=4000)  # fmt: skip
    responsible_person = forms.ChoiceField(label=_("Responsible person"))
    review_date = forms.DateField(label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].choices = people_choices(unit)


class PlanUploadForm(forms.Form):
    image = forms.FileField(label=_("Campus plan (image)"))
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
