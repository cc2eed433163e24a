"""How the register's changes read on a device's timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import DeviceType, Result, State

register_verbs(
    {
        "fire.device_added": Verb(_("Fire device registered"), "fire"),
        "fire.device_edited": Verb(_("Fire device changed"), "pencil"),
        "fire.device_serviced": Verb(_("Fire device serviced"), "tools"),
        "fire.device_retired": Verb(_("Fire device retired"), "archive"),
        "fire.checked": Verb(_("Fire device checked"), "clipboard-check"),
    }
)

register_fields(
    "fire.firedevice",
    {
        "code": _("Device code"),
        "type": Field(pgettext_lazy("fire device", "Type"), Choice(DeviceType)),
        "building": _("Building"),
        "floor": _("Floor"),
        "location": _("Location"),
        "production_date": _("Production date"),
        "last_service_date": _("Last service"),
        "expires_on": _("Expires on"),
        "state": Field(_("State"), Choice(State)),
        "reason": _("Reason"),
        "note": _("Note"),
        "result": Field(_("Result"), Choice(Result)),
        "photos": _("Photos"),
        "hazard": _("Hazard"),
    },
)
