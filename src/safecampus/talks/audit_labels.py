"""How 1530 talk events read on timelines and in the audit log (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import Kind

register_verbs({"talk.recorded": Verb(_("1530 talk recorded"), "megaphone")})

register_fields(
    "talks.talk",
    {
        "class": _("Class"),
        "date": _("Date"),
        "kind": Field(_("Kind of talk"), Choice(Kind)),
        "topic": _("Topic"),
        "minutes": _("Minutes"),
        "note": _("Note"),
        "photo": _("Photo"),
        "on_day": _("Recorded on the day"),
    },
)
