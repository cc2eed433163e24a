"""How the register's changes read on a timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import Kind, Result, State

register_verbs(
    {
        "defence.added": Verb(_("Defence equipment registered"), "shield-plus"),
        "defence.edited": Verb(_("Defence equipment changed"), "pencil"),
        "defence.retired": Verb(_("Defence equipment retired"), "archive"),
        "defence.tested": Verb(_("Defence equipment tested"), "clipboard-check"),
        "defence.closed_confirmed": Verb(_("Closed management confirmed"), "door-closed"),
        "defence.closed_withdrawn": Verb(_("Closed management withdrawn"), "door-open"),
        "defence.shortfall": Verb(_("Missing defence equipment reported"), "exclamation-triangle"),
    }
)

register_fields(
    "defence.equipment",
    {
        "kind": Field(_("Kind"), Choice(Kind)),
        "quantity": _("Quantity"),
        "location": _("Location"),
        "police_linked": _("Linked with the police"),
        "state": Field(_("State"), Choice(State)),
        "reason": _("Reason"),
        "note": _("Note"),
        "result": Field(_("Result"), Choice(Result)),
        "photos": _("Photos"),
        "hazard": _("Hazard"),
    },
)
