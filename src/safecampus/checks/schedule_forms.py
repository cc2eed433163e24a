"""The schedule form: the checklist, who does it, and the recurrence rule assembled from plain
fields (kind; slots as checkboxes from the school's calendar; clock times; weekdays; day of the
month; days before holidays; days after term start / before term end; dates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safecampus.core.roles import Role, school_roles

KIND_CHOICES = [
    ("daily", _("Every school day at slots or times")),
    ("weekly", _("Weekly on given weekdays")),
    ("monthly", _("Monthly on a day")),
    ("term_start", _("At term start")),
    ("term_end", _("At term end")),
    ("before_holiday", _("N school days before each holiday")),
    ("dates", _("On given dates")),
]
WEEKDAYS = [
    (1, _("Mon")),
    (2, _("Tue")),
    (3, _("Wed")),
    (4, _("Thu")),
    (5, _("Fri")),
    (6, _("Sat")),
    (7, _("Sun")),
]


class ScheduleForm(forms.Form):
    template = forms.ChoiceField(label=_("Checklist"))
    title = forms.CharField(label=_("Title"), max_length=160, required=False)
    kind = forms.ChoiceField(label=_("Repeats"), choices=KIND_CHOICES)
    slots = forms.MultipleChoiceField(
        label=_("Time slots"), required=False, widget=forms.CheckboxSelectMultiple
    )
    times = forms.CharField(label=_("Clock times (HH:MM, comma-separated)"), max_length=200, required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    day = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=31, required=False)
    days_before = forms.IntegerField(label=_("School days before"), min_value=1, max_value=30, required=False)
    offset_days = forms.IntegerField(
        label=_("Days after start / before end"), min_value=0, max_value=60, required=False
    )
    dates = forms.CharField(label=_("Dates (YYYY-MM-DD, comma-separated)"), max_length=4000, required=False)
    post_role = forms.ChoiceField(label=_("Post"), required=False)
    assignees = forms.MultipleChoiceField(
        label=_("Or named people"), required=False, widget=forms.CheckboxSelectMultiple
    )
    duration_minutes = forms.IntegerField(label=_("Time allowed (minutes)"), min_value=1, initial=60)
    grace_minutes = forms.IntegerField(label=_("Grace (minutes)"), min_value=0, initial=30)
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, templates: list, slots: list, people: list, area: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["template"].choices = [(t.pk, f"{t.title} · {t.unit.name}") for t in templates]
        self.fields["slots"].choices = [(s.code, f"{s.name} {s.time:%H:%M}") for s in slots]
        roles = dict(Role.choices)
        self.fields["post_role"].choices = [
            ("", "—"),
            *[(r, roles[r]) for r in school_roles() if r not in (Role.STUDENT, Role.PARENT)],
        ]
        if area:
            del self.fields["assignees"]
        else:
            self.fields["assignees"].choices = [(u.pk, u.name or u.username) for u in people]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def data_for_service(self) -> dict[str, Any]:
        c = self.cleaned_data
        kind = c["kind"]
        rule: dict[str, Any] = {
            "kind": kind,
            "slots": list(c.get("slots") or []),
            "times": [t.strip() for t in (c.get("times") or "").split(",") if t.strip()],
        }
        if kind == "weekly":
            rule["weekdays"] = list(c.get("weekdays") or [])
        elif kind == "monthly":
            rule["day"] = c.get("day")
        elif kind == "before_holiday":
            rule["days_before"] = c.get("days_before") or 1
        elif kind in ("term_start", "term_end"):
            rule["offset_days"] = c.get("offset_days") or 0
        elif kind == "dates":
            rule["dates"] = [d.strip() for d in (c.get("dates") or "").split(",") if d.strip()]
        return {
            "template": c["template"],
            "title": c.get("title"),
            "rule": rule,
            "post_role": c.get("post_role"),
            "assignees": [int(x) for x in c.get("assignees") or []],
            "duration_minutes": c["duration_minutes"],
            "grace_minutes": c["grace_minutes"],
            "starts_on": c.get("starts_on"),
            "ends_on": c.get("ends_on"),
        }


def initial_for(schedule: Any) -> dict[str, Any]:
    rule = schedule.rule or {}
    return {
        "template": schedule.template_id,
        "title": schedule.title,
        "kind": rule.get("kind"),
        "slots": rule.get("slots", []),
        "times": ", ".join(rule.get("times", [])),
        "weekdays": rule.get("weekdays", []),
        "day": rule.get("day"),
        "days_before": rule.get("days_before"),
        "offset_days": rule.get("offset_days"),
        "dates": ", ".join(rule.get("dates", [])),
        "post_role": schedule.post_role,
        "assignees": [u.pk for u in schedule.assignees.all()],
        "duration_minutes": schedule.duration_minutes,
        "grace_minutes": schedule.grace_minutes,
        "starts_on": schedule.starts_on,
        "ends_on": schedule.ends_on,
    }
