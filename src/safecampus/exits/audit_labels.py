"""How a pass's changes read on its timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import ExitKind, ExitStatus

register_verbs(
    {
        "exits.requested": Verb(_("Exit requested"), "send"),
        "exits.approve": Verb(_("Exit approved"), "check-circle"),
        "exits.decline": Verb(_("Exit declined"), "x-circle"),
        "exits.cancel": Verb(_("Exit pass cancelled"), "slash-circle"),
        "exits.exit": Verb(_("Left school at the gate"), "box-arrow-right"),
        "exits.return": Verb(_("Came back at the gate"), "box-arrow-in-left"),
        "exits.refused": Verb(_("Refused at the gate"), "sign-stop"),
    }
)

register_fields(
    "exits.exitpass",
    {
        "student": _("Pupil"),
        "kind": Field(pgettext_lazy("exit pass", "Kind"), Choice(ExitKind)),
        "reason": _("Reason"),
        "from": _("From"),
        "until": _("Until"),
        "status": Field(_("Status"), Choice(ExitStatus)),
        "note": _("Note"),
    },
)
