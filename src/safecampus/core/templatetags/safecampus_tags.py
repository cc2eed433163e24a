"""Small template helpers: dict lookup, unit kind icons, audit verb labels and diffs, Bootstrap fields."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.translation import gettext_lazy as _

from safecampus.core.models import SchoolType, UnitKind
from safecampus.core.roles import Role
from safecampus.training.models import LessonKind

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

VERBS: dict[str, tuple[Any, str]] = {
    "unit.created": (_("Unit created"), "plus-circle"),
    "unit.updated": (_("Unit updated"), "pencil"),
    "unit.renamed": (_("Unit renamed"), "pencil"),
    "unit.moved": (_("Unit moved"), "arrows-move"),
    "unit.activated": (_("Unit reactivated"), "check-circle"),
    "unit.deactivated": (_("Unit deactivated"), "slash-circle"),
    "user.created": (_("Account created"), "person-plus"),
    "user.updated": (_("Account updated"), "pencil"),
    "user.password_reset": (_("Password reset"), "key"),
    "user.activated": (_("Account enabled"), "person-check"),
    "user.deactivated": (_("Account disabled"), "person-slash"),
    "role.assigned": (_("Role granted"), "person-badge"),
    "role.revoked": (_("Role revoked"), "person-dash"),
    "auth.login": (_("Logged in"), "box-arrow-in-right"),
    "auth.login_failed": (_("Failed login"), "exclamation-triangle"),
    "auth.password_changed": (_("Password changed"), "key"),
    "auth.token_issued": (_("API token issued"), "braces"),
    "auth.parent_password_reset": (_("Parent reset their password"), "key"),
    "privacy.revealed": (_("Personal data shown"), "eye"),
    "roster.slips_downloaded": (_("Login slips downloaded"), "printer"),
    "roster.import_checked": (_("Roster file checked"), "clipboard-check"),
    "roster.import_started": (_("Roster import started"), "hourglass-split"),
    "roster.import_rejected": (_("Roster import refused"), "x-octagon"),
    "roster.import_failed": (_("Roster import failed"), "x-octagon"),
    "roster.students_imported": (_("Students imported"), "people"),
    "roster.staff_imported": (_("Staff imported"), "person-badge"),
    "roster.credentials_downloaded": (_("Initial passwords downloaded"), "key"),
    "roster.error_report_downloaded": (_("Error report downloaded"), "download"),
    "roster.promoted": (_("School year promoted"), "arrow-up-circle"),
    "roster.student_status_changed": (_("Student status changed"), "person-gear"),
    "roster.student_transferred": (_("Student transferred"), "arrow-left-right"),
    "roster.transfer_requested": (_("Transfer requested"), "send"),
    "roster.transfer_class_chosen": (_("Class chosen for the transfer"), "easel"),
    "roster.transfer_accepted": (_("Transfer accepted"), "check-circle"),
    "roster.transfer_rejected": (_("Transfer rejected"), "x-circle"),
    "roster.transfer_cancelled": (_("Transfer cancelled"), "slash-circle"),
    "roster.class_teacher_removed": (_("Teacher removed from the class"), "person-dash"),
    # training content
    "training.campaign_created": (_("Campaign created"), "plus-circle"),
    "training.campaign_updated": (_("Campaign updated"), "pencil"),
    "training.campaign_publish": (_("Published"), "broadcast"),
    "training.campaign_unpublish": (_("Back to draft"), "arrow-counterclockwise"),
    "training.campaign_archive": (_("Archived"), "archive"),
    "training.theme_saved": (_("Theme saved"), "tags"),
    "training.stage_saved": (_("Stage saved"), "flag"),
    "training.package_loaded": (_("Content package loaded"), "file-earmark-zip"),
    "training.course_created": (_("Course created"), "plus-circle"),
    "training.course_updated": (_("Course updated"), "pencil"),
    "training.course_publish": (_("Published"), "broadcast"),
    "training.course_unpublish": (_("Back to draft"), "arrow-counterclockwise"),
    "training.course_archive": (_("Archived"), "archive"),
    "training.lesson_created": (_("Lesson added"), "collection-play"),
    "training.lesson_updated": (_("Lesson changed"), "pencil"),
    "training.image_added": (_("Image uploaded"), "image"),
    "training.quiz_saved": (_("Quiz settings saved"), "ui-checks"),
    "training.question_added": (_("Question added"), "patch-question"),
    "training.question_updated": (_("Question changed"), "patch-question"),
    "risk.identified": (_("Risk point identified"), "plus-circle"),
    "risk.updated": (_("Risk point changed"), "pencil"),
    "risk.graded": (_("Graded again"), "speedometer2"),
    "risk.confirmed": (_("Confirmed"), "check2-circle"),
    "risk.retired": (_("Retired"), "archive"),
    "risk.reopened": (_("Back to draft"), "arrow-counterclockwise"),
    "risk.plan_saved": (_("Control plan saved"), "clipboard2-check"),
    "risk.reviewed": (_("Review done"), "calendar-check"),
    "risk.policy_regraded": (_("Graded by a policy change"), "arrow-repeat"),
    "risk.policy_applied": (_("Policy change applied"), "arrow-repeat"),
    "risk.plan_uploaded": (_("Campus plan uploaded"), "map"),
    "risk.map_saved": (_("Four-colour map saved"), "map"),
    "hazard.reported": (_("Hazard reported"), "cone-striped"),
    "hazard.confirm": (_("Confirmed"), "check2-circle"),
    "hazard.reject": (_("Not a hazard"), "x-circle"),
    "hazard.assign": (_("Rectification assigned"), "person-check"),
    "hazard.start": (_("Rectification started"), "tools"),
    "hazard.submit": (_("Submitted for verification"), "send-check"),
    "hazard.verify": (_("Verified and closed"), "shield-check"),
    "hazard.send_back": (_("Sent back"), "arrow-counterclockwise"),
    "hazard.close_on_spot": (_("Fixed on the spot"), "lightning-charge"),
    "hazard.escalated": (_("Escalated as overdue"), "arrow-up-circle"),
    "hazard.photos_added": (_("Photos added"), "camera"),
}

FIELD_LABELS: dict[str, Any] = {
    "score": _("Score"),
    "category": _("Category"),
    "location": _("Location"),
    "level": _("Level"),
    "method": _("Grading method"),
    "factors": _("Factors"),
    "control_level": _("Control level"),
    "responsible_post": _("Responsible post"),
    "responsible_person": _("Responsible person"),
    "review_date": _("Next review"),
    "policy_version": _("Policy version"),
    "measures": _("Control measures"),
    "code": _("Code"),
    "name": _("Name"),
    "kind": _("Kind"),
    "school_type": _("School type"),
    "address": _("Address"),
    "contact_name": _("Contact person"),
    "contact_phone": _("Contact phone"),
    "is_active": _("Active"),
    "username": _("Username"),
    "phone": _("Mobile number"),
    "must_change_password": _("Must change password"),
    "role": _("Role"),
    "unit": _("Unit"),
    "user": _("User"),
    "parent": _("Parent unit"),
    "is_staff": _("Operator"),
    # roster: school year
    "student": _("Student"),
    "school": _("School"),
    "class": _("Class"),
    "status": _("Status"),
    "from_school": _("Sending school"),
    "to_school": _("Receiving school"),
    "target_class": _("Class at the receiving school"),
    "reason": _("Reason"),
    "decision_note": _("Note on the decision"),
    "school_year": _("School year"),
    "classes": _("Classes"),
    "promoted": _("Moved up a grade"),
    "graduated": _("Graduated"),
    "staying": _("Suspended (stay)"),
    "new_grades": _("New grades"),
    "new_classes": _("New classes"),
    # training content
    "title": _("Title"),
    "title_en": _("English title"),
    "starts_on": _("Starts on"),
    "ends_on": _("Ends on"),
    "pass_mark": _("Pass mark"),
    "audiences": _("For whom"),
    "school_types": _("School types"),
    "grades": _("Grades"),
    "stage": _("Stage"),
    "theme": _("Theme"),
    "themes": _("Themes"),
    "stages": _("Stages"),
    "duration_s": _("Length (seconds)"),
    "version": _("Version"),
    "question_count": _("Questions drawn"),
    # hazards
    "source": _("Source"),
    "grade": _("Grade"),
    "rectifier": _("Rectifier"),
    "deadline": _("Deadline"),
    "note": _("Note"),
    "escalation": _("Escalated to"),
    "overdue_days": _("Overdue days"),
    "attempts_limit": _("Attempts allowed"),
    "courses": _("Courses"),
    "lessons": _("Lessons"),
    "questions": _("Questions"),
    "text": _("Question"),
    "active": _("In use"),
    "lesson_kind": _("Lesson kind"),
}

# Internal keys that mean nothing to a reader of the timeline.
HIDDEN_KEYS = {"path", "media", "image", "bytes", "lesson", "question", "campaign"}

VALUE_CHOICES = {"kind": UnitKind, "school_type": SchoolType, "role": Role, "lesson_kind": LessonKind}


def _typed_choices() -> dict[str, dict[str, Any]]:
    """Choices of keys whose meaning depends on the object (a hazard's `grade` is not a school
    grade): target type → key → TextChoices."""
    from safecampus.hazards.models import Escalation, Source
    from safecampus.hazards.models import Grade as HazardGrade
    from safecampus.hazards.models import Status as HazardStatus
    from safecampus.risks.models import Category

    return {
        "hazards.hazard": {
            "status": HazardStatus,
            "grade": HazardGrade,
            "source": Source,
            "category": Category,
            "escalation": Escalation,
        },
    }


TYPED_LABELS: dict[str, dict[str, Any]] = {
    "hazards.hazard": {"grade": _("Hazard grade"), "escalation": _("Escalated to")},
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
    entry = VERBS.get(verb)
    return str(entry[0]) if entry else verb


@register.filter
def verb_icon(verb: str) -> str:
    entry = VERBS.get(verb)
    return entry[1] if entry else "dot"


def _show(key: str, value: Any, typed: dict[str, Any] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    choices = (typed or {}).get(key) or VALUE_CHOICES.get(key)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            pass
    return str(value)


@register.filter
def audit_diff(event: Any) -> list[dict[str, str]]:
    """Changed keys of an event as rows {label, old, new}; `old` is empty for a creation."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    rows = []
    target = getattr(event, "target_type", "")
    typed = _typed_choices().get(target)
    labels = {**FIELD_LABELS, **TYPED_LABELS.get(target, {})}
    for key in [*before.keys(), *[k for k in after if k not in before]]:
        if key in HIDDEN_KEYS:
            continue
        old, new = before.get(key), after.get(key)
        if before and after and old == new:
            continue
        if not before and new in (None, ""):
            continue
        rows.append(
            {
                "label": str(labels.get(key, key)),
                "old": _show(key, old, typed) if before else "",
                "new": _show(key, new, typed) if after else "—",
                "created": not before,
            }
        )
    return rows


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
