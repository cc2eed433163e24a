"""How checklist events read on timelines and in the audit log (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Choice, Field, Obj, Verb, register_fields, register_verbs

from .models import Kind, TemplateStatus

register_verbs(
    {
        "checklist.created": Verb(_("Checklist created"), "list-check"),
        "checklist.revised": Verb(_("New checklist version"), "pencil-square"),
        "checklist.details_changed": Verb(_("Checklist details changed"), "pencil"),
        "checklist.published": Verb(_("Checklist published to the area"), "megaphone"),
        "checklist.unpublished": Verb(_("Checklist taken back from the area"), "eye-slash"),
        "checklist.copied": Verb(_("Checklist copied"), "files"),
        "checklist.retired": Verb(_("Checklist retired"), "archive"),
        "checklist.restored": Verb(_("Checklist restored"), "arrow-counterclockwise"),
        "check_photo.uploaded": Verb(_("Check photo uploaded"), "camera"),
    }
)

register_fields(
    "checks.checklisttemplate",
    {
        "code": _("Code"),
        "title_zh": _("Title (Chinese)"),
        "title_en": _("Title (English)"),
        "description_zh": _("Description (Chinese)"),
        "description_en": _("Description (English)"),
        "kind": Field(_("Kind of check"), Choice(Kind)),
        "status": Field(_("Status"), Choice(TemplateStatus)),
        "published": _("Published to the area"),
        "version": _("Version"),
        "items": _("Items"),
        "note": _("What changed"),
        "copied_from": Field(_("Copied from"), Obj("checks.checklisttemplate")),
        "source_version": _("Version copied"),
    },
)
register_fields(["check.missed", "check.cancelled"], {"tasks": _("Tasks")})
register_fields("checks.checkphoto", {"width": _("Width"), "height": _("Height")})

register_verbs(
    {
        "check_schedule.created": Verb(_("Check schedule created"), "calendar-plus"),
        "check_schedule.changed": Verb(_("Check schedule changed"), "calendar-event"),
        "check_schedule.paused": Verb(_("Check schedule paused"), "pause-circle"),
        "check_schedule.resumed": Verb(_("Check schedule resumed"), "play-circle"),
        "check_schedule.retired": Verb(_("Check schedule retired"), "archive"),
        "check.submitted": Verb(_("Check submitted"), "clipboard-check"),
        "check.missed": Verb(_("Checks missed"), "alarm"),
        "check.cancelled": Verb(_("Checks cancelled"), "x-circle"),
    }
)
register_fields(
    "checks.schedule",
    {
        "title": _("Title"),
        "template": Field(_("Checklist"), Obj("checks.checklisttemplate")),
        "rule": _("Recurrence"),
        "for_area": _("For every school of the area"),
        "post_role": _("Post"),
        "assignees": _("People"),
        "duration_minutes": _("Time allowed (minutes)"),
        "grace_minutes": _("Grace (minutes)"),
        "starts_on": _("From"),
        "ends_on": _("Until"),
        "status": _("Status"),
        "cancelled": _("Tasks cancelled"),
    },
)
register_fields(
    "checks.task",
    {
        "status": _("Status"),
        "on_time": _("On time"),
        "late": _("Late"),
        "failed_items": _("Failed items"),
        "hazards": _("Hazards raised"),
    },
)
