"""How listed supervision, letters, interviews and sanctions read on the timelines
(see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Place, Titles, Verb, register_fields, register_verbs

from .models import LetterKind, SanctionKind

register_verbs(
    {
        "supervision.listed": Verb(_("Listed for supervision"), "pin-angle"),
        "supervision.lifted": Verb(_("Supervision lifted"), "pin"),
        "supervision.interview": Verb(_("Interview recorded"), "chat-square-text"),
        "supervision.sanction": Verb(_("Notice or penalty recorded"), "exclamation-octagon"),
        "letter.issued": Verb(_("Letter issued"), "envelope-paper"),
        "letter.reply": Verb(_("Reply sent"), "reply"),
        "letter.close": Verb(_("Reply accepted, letter closed"), "envelope-check"),
        "letter.return": Verb(_("Reply returned for a better one"), "arrow-counterclockwise"),
    }
)

register_fields(
    ["supervision.letter", "supervision.listedsupervision", "supervision.interview", "supervision.sanction"],
    {
        "letter_kind": Field(_("Kind of letter"), Choice(LetterKind)),
        "hazards": pgettext_lazy("letter items", "Hazards"),
        "hazard": _("Hazard"),
        "deadline": _("Rectify by"),
        "bureau": Field(_("Bureau"), Place()),
        "attachment": _("Attachment"),
        "people": Field(_("People interviewed"), Titles("name", "post")),
        "measure": _("Measure"),
        "kind": Field(_("Kind"), Choice(SanctionKind)),
    },
)
