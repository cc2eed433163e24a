"""How the org tree's and the policy's audit events read (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .audit_render import ANY, HIDDEN, Choice, Field, Person, Place, Verb, register_fields, register_verbs
from .models import SchoolType, UnitKind
from .roles import Role

register_verbs(
    {
        "unit.created": Verb(_("Unit created"), "plus-circle"),
        "unit.updated": Verb(_("Unit updated"), "pencil"),
        "unit.renamed": Verb(_("Unit renamed"), "pencil"),
        "unit.moved": Verb(_("Unit moved"), "arrows-move"),
        "unit.activated": Verb(_("Unit reactivated"), "check-circle"),
        "unit.deactivated": Verb(_("Unit deactivated"), "slash-circle"),
        "policy.loaded": Verb(_("Policy loaded"), "sliders"),
        "document.requested": Verb(_("Document requested"), "hourglass-split"),
        "document.downloaded": Verb(_("Document downloaded"), "download"),
    }
)

# Keys that mean the same on every event.
register_fields(
    ANY,
    {
        "code": _("Code"),
        "name": _("Name"),
        "kind": pgettext_lazy("audit", "Kind"),
        "school_type": Field(_("School type"), Choice(SchoolType)),
        "school_types": Field(_("School types"), Choice(SchoolType)),
        "address": _("Address"),
        "contact_name": _("Contact person"),
        "contact_phone": _("Contact phone"),
        "is_active": _("Active"),
        "role": Field(_("Role"), Choice(Role)),
        "unit": Field(_("Unit"), Place()),
        "user": Field(_("User"), Person()),
        "status": _("Status"),
        "note": _("Note"),
        "reason": _("Reason"),
        "title": _("Title"),
        "date": _("Date"),
        "number": _("Number"),
        "file": _("File"),
        "version": _("Version"),
        "created": _("Created"),
        "updated": _("Updated"),
        "unchanged": _("Unchanged"),
        "path": HIDDEN,
        "sha256": HIDDEN,
        "bytes": HIDDEN,
    },
)

register_fields(
    "core.unit",
    {
        "kind": Field(_("Kind"), Choice(UnitKind)),
        "parent": Field(_("Parent unit"), Place()),
    },
)
register_fields(
    "policy.loaded",
    {"version": _("Policy version"), "effective_from": _("Effective from"), "values": _("Values")},
)
