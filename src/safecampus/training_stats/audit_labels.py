"""How the weekly training reminders read on the timelines (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_fields, register_verbs

register_verbs({"training.reminders_sent": Verb(_("Training reminders sent"), "bell")})
register_fields(
    "training.reminders_sent",
    {
        "period": _("Period"),
        "notifications": _("Messages sent"),
        "staff_behind": _("Staff behind"),
        "students_behind": _("Students behind"),
    },
)
