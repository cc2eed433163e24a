"""How the register's changes read on a guard's timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import Employment, GuardStatus

register_verbs(
    {
        "guards.added": Verb(_("Guard registered"), "person-plus"),
        "guards.edited": Verb(_("Guard changed"), "pencil"),
        "guards.leave": Verb(_("Guard left"), "box-arrow-right"),
        "guards.return": Verb(_("Guard on post again"), "box-arrow-in-left"),
        "guards.company_added": Verb(_("Security company added"), "building"),
        "guards.gates_set": Verb(_("Campus gates changed"), "door-open"),
    }
)

register_fields(
    "guards.guard",
    {
        "name": pgettext_lazy("person", "Name"),
        "id_number": _("ID-card number"),
        "phone": _("Mobile"),
        "birth_date": _("Birth date"),
        "employment": Field(_("Employment"), Choice(Employment)),
        "company": _("Security company"),
        "full_time": _("Full-time guard"),
        "status": Field(_("Status"), Choice(GuardStatus)),
        "certificate_no": _("Guard certificate number"),
        "certificate_expires": _("Certificate expires on"),
        "user": _("User account"),
        "field": _("Field"),
    },
)
