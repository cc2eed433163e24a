"""Small template helpers: dict lookup, unit kind icons, audit events for readers, Bootstrap fields."""

from __future__ import annotations

from typing import Any

from django import forms, template

from safecampus.core import audit_render
from safecampus.core.models import UnitKind

register = template.Library()

KIND_ICONS = {
    UnitKind.PROVINCE: "bank",
    UnitKind.CITY: "bank",
    UnitKind.COUNTY: "bank",
    UnitKind.SCHOOL: "building",
    UnitKind.DEPARTMENT: "diagram-2",
}

KIND_BADGES = {
    UnitKind.PROVINCE: "text-bg-primary",
    UnitKind.CITY: "text-bg-info",
    UnitKind.COUNTY: "text-bg-success",
    UnitKind.SCHOOL: "text-bg-warning",
    UnitKind.DEPARTMENT: "text-bg-secondary",
}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping|get_item:key` — dict lookup with a variable key; None when missing."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "circle")


@register.filter
def kind_badge(kind: str) -> str:
    return KIND_BADGES.get(kind, "text-bg-secondary")


@register.filter
def verb_label(verb: str) -> str:
    return audit_render.verb_label(verb)


@register.filter
def verb_icon(verb: str) -> str:
    return audit_render.verb_icon(verb)


@register.simple_tag
def audit_entries(events: Any) -> list[audit_render.Entry]:
    """`{% audit_entries events as entries %}`: a page of audit events rendered for the reader
    (verbs, values, people and targets by their labels and names), names fetched in bulk."""
    return audit_render.entries(events)


@register.filter
def bs_field(field: forms.BoundField) -> str:
    """Render a bound field's widget with Bootstrap classes and validation state."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(field: forms.BoundField) -> bool:
    """Checkboxes or radio buttons, one per choice (rendered as Bootstrap form-checks)."""
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def check_options(field: forms.BoundField) -> list[Any]:
    """The options of a choice list with Bootstrap's input class (and the invalid state)."""
    widget = field.field.widget
    css = f"{widget.attrs.get('class', '')} form-check-input{' is-invalid' if field.errors else ''}".strip()
    attrs = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id, "class": css})
    return [
        forms.boundfield.BoundWidget(widget, sub, field.form.renderer)
        for sub in widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]
