"""The compose form: it renders the audience pickers and parses; the services validate (their
errors are put back on the fields by `apply_errors`)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.errors import DomainError, InvalidFields
from safecampus.core.models import SchoolType, Unit
from safecampus.core.roles import ROLE_SPECS, SCHOOL, Role
from safecampus.roster.models import SchoolClass
from safecampus.roster.naming import grade_name

from .audience import STAFF_ROLES
from .models import ConfirmMode, Notice, NoticeKind

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FIELD_OF = {
    "audience": "parents",
    "audience.units": "units",
    "audience.roles": "roles",
    "audience.school_types": "school_types",
    "audience.grades": "grades",
    "audience.classes": "classes",
    "audience.parents": "parents",
    "audience.students": "students",
}
MAX_UNITS = 300
GRADES = [-2, -1, 0, *range(1, 13)]


class NoticeForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=20000
    )
    kind = forms.ChoiceField(label=pgettext_lazy("notice", "Kind"), choices=NoticeKind.choices)
    confirm = forms.ChoiceField(label=_("How recipients confirm"), choices=ConfirmMode.choices)
    question = forms.CharField(
        label=_("A short question to answer (optional)"), max_length=200, required=False
    )
    signature = forms.BooleanField(label=_("Ask parents for a drawn signature"), required=False)
    deadline = forms.CharField(label=_("Deadline (optional)"), widget=MOMENT, required=False, max_length=40)
    units = forms.MultipleChoiceField(
        label=_("Units addressed (none: your whole unit)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    parents = forms.BooleanField(label=_("Parents"), required=False)
    students = forms.BooleanField(label=_("Pupils"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Staff roles"), widget=forms.CheckboxSelectMultiple, required=False
    )
    school_types = forms.MultipleChoiceField(
        label=_("Only these school types"),
        choices=SchoolType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    grades = forms.MultipleChoiceField(
        label=_("Only these grades (pupils and parents)"),
        choices=[(g, grade_name(g)) for g in GRADES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    classes = forms.MultipleChoiceField(
        label=_("Only these classes (pupils and parents)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ack_hours = forms.IntegerField(
        label=_("Schools acknowledge within (hours, optional)"), min_value=1, max_value=168, required=False
    )
    require_forward = forms.BooleanField(
        label=_("Schools forward it to their classes and parents"), required=False
    )
    require_report = forms.BooleanField(label=_("Schools report back the measures taken"), required=False)
    school_lines = forms.CharField(
        label=_("The school's own lines"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args: Any, unit: Unit, forwarding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        units = [unit, *Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, is_active=True)
                 .order_by("path")[:MAX_UNITS]]  # fmt: skip
        self.fields["units"].choices = [(u.code, ("— " * (u.depth - unit.depth)) + u.name) for u in units]
        roles = [r for r in STAFF_ROLES if unit.is_bureau or ROLE_SPECS[r].level == SCHOOL]
        self.fields["roles"].choices = [(r, Role(r).label) for r in roles]
        if unit.is_bureau:
            del self.fields["classes"]
        else:
            classes = (
                SchoolClass.objects.filter(unit=unit)
                .select_related("grade")
                .order_by("grade__level", "number")
            )
            self.fields["classes"].choices = [(k.pk, str(k)) for k in classes[:MAX_UNITS]]
            for name in ("ack_hours", "require_forward", "require_report", "school_types"):
                del self.fields[name]
        if not forwarding:
            del self.fields["school_lines"]

    def data_for_service(self) -> dict[str, Any]:
        c = self.cleaned_data
        audience: dict[str, Any] = {
            "units": list(c.get("units") or []),
            "roles": list(c.get("roles") or []),
            "school_types": list(c.get("school_types") or []),
            "grades": [int(g) for g in c.get("grades") or []],
            "classes": [int(k) for k in c.get("classes") or []],
            "parents": bool(c.get("parents")),
            "students": bool(c.get("students")),
        }
        return {
            "client_id": str(c["client_id"]) if c.get("client_id") else None,
            "title": c.get("title"),
            "body": c.get("body"),
            "kind": c.get("kind"),
            "confirm": c.get("confirm"),
            "question": c.get("question"),
            "signature": bool(c.get("signature")),
            "deadline": c.get("deadline") or None,
            "ack_hours": c.get("ack_hours"),
            "require_forward": bool(c.get("require_forward")),
            "require_report": bool(c.get("require_report")),
            "school_lines": c.get("school_lines") or "",
            "audience": audience,
        }


def initial_of(notice: Notice) -> dict[str, Any]:
    """A notice's values as the form's initial data (editing a draft, forwarding)."""
    aud = notice.audience or {}
    return {
        "title": notice.title,
        "body": notice.body,
        "kind": notice.kind,
        "confirm": notice.confirm,
        "question": notice.question,
        "signature": notice.signature,
        "deadline": notice.deadline.strftime("%Y-%m-%dT%H:%M") if notice.deadline else "",
        "units": aud.get("units", []),
        "roles": aud.get("roles", []),
        "school_types": aud.get("school_types", []),
        "grades": aud.get("grades", []),
        "classes": aud.get("classes", []),
        "parents": aud.get("parents", False),
        "students": aud.get("students", False),
        "ack_hours": notice.ack_hours,
        "require_forward": notice.require_forward,
        "require_report": notice.require_report,
        "school_lines": notice.school_lines,
    }


def apply_errors(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal shown on the form: each field's message on its field."""
    errors = exc.errors if isinstance(exc, InvalidFields) else {exc.field or "": str(exc.message)}
    for field, message in errors.items():
        name = FIELD_OF.get(field, field)
        form.add_error(name if name in form.fields else None, message)
