"""The checklist forms: details (title, kind, description) and the items, one row each (a
formset: change, add in the blank rows, remove with the tick box, reorder by the numbers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecampus.core.errors import DomainError
from safecampus.risks.models import Category

from .items import MAX_ITEMS, as_rows
from .models import AnswerKind, ChecklistTemplate, Kind, TemplateVersion


class TemplateForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=160, required=False)
    kind = forms.ChoiceField(label=_("Kind of check"), choices=Kind.choices)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit_choices is not None:
            self.fields = {
                "unit": forms.TypedChoiceField(label=_("Unit"), choices=unit_choices, coerce=int),
                **self.fields,
            }


class ItemForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("No."), min_value=1, max_value=999, required=False)
    text_zh = forms.CharField(label=_("Item (Chinese)"), max_length=300, required=False)
    text_en = forms.CharField(label=_("Item (English)"), max_length=400, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    answer_kind = forms.ChoiceField(
        label=_("Answer"), choices=AnswerKind.choices, initial=AnswerKind.PASS_FAIL
    )
    min_value = forms.DecimalField(label=_("Minimum"), max_digits=10, decimal_places=2, required=False)
    max_value = forms.DecimalField(label=_("Maximum"), max_digits=10, decimal_places=2, required=False)
    value_unit = forms.CharField(label=_("Unit of measure"), max_length=16, required=False)
    photo_required_on_fail = forms.BooleanField(label=_("Photo required when failed"), required=False)
    guidance_zh = forms.CharField(
        label=_("Guidance (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    guidance_en = forms.CharField(
        label=_("Guidance (English)"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("text_zh") or "").strip() and not (data.get("text_en") or "").strip()


ItemFormSet = forms.formset_factory(ItemForm, extra=3, can_delete=True, max_num=MAX_ITEMS, validate_max=True)


def item_initial(version: TemplateVersion | None) -> list[dict[str, Any]]:
    rows = as_rows(version)
    for n, row in enumerate(rows, start=1):
        row["order"] = n
    return rows


def template_initial(template: ChecklistTemplate) -> dict[str, Any]:
    return {
        f: getattr(template, f) for f in ("title_zh", "title_en", "kind", "description_zh", "description_en")
    }


def item_rows(formset: Any) -> tuple[list[dict[str, Any]], list[ItemForm]]:
    """The rows kept (not blank, not removed), ordered by their numbers, and their forms."""
    kept = []
    for position, form in enumerate(formset.forms):
        if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        order = form.cleaned_data.get("order") or 1000 + position
        kept.append((order, position, form))
    kept.sort(key=lambda k: (k[0], k[1]))
    rows = [{k: v for k, v in f.cleaned_data.items() if k not in ("DELETE", "order")} for _o, _p, f in kept]
    return rows, [f for _o, _p, f in kept]


def show_error(exc: DomainError, form: forms.Form, formset: Any, item_forms: list[ItemForm]) -> None:
    """A service's refusal on the form: on the item's field (`items.<n>.<field>`), the details'
    field, or above the items."""
    field = exc.field or ""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(item_forms):
        target = item_forms[int(parts[1])]
        target.add_error(parts[2] if parts[2] in target.fields else None, str(exc.message))
    elif field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        formset._non_form_errors = formset.error_class([*formset.non_form_errors(), str(exc.message)])
