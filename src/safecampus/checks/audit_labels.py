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
register_fields("checks.checkphoto", {"width": _("Width"), "height": _("Height")})
