"""How the school calendar's events read on a timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_fields, register_verbs

register_verbs(
    {
        "calendar.saved": Verb(_("School calendar saved"), "calendar3"),
        "calendar.removed": Verb(_("Own school calendar removed"), "calendar-x"),
        "calendar.slots_saved": Verb(_("Time slots saved"), "clock"),
    }
)

register_fields(
    ["calendar.saved", "calendar.removed", "schoolcal.calendar"],
    {
        "year": _("Academic year"),
        "note": _("Note"),
        "terms": _("Terms"),
        "holidays": _("Holidays"),
        "makeup_days": _("Make-up working days"),
    },
)

register_fields("calendar.slots_saved", {"slots": _("Time slots")})
