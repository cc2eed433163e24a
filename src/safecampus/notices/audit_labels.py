"""How a notice's changes read on its timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import ConfirmMode, NoticeKind, NoticeStatus

register_verbs(
    {
        "notices.created": Verb(_("Notice written"), "pencil-square"),
        "notices.edited": Verb(_("Notice draft changed"), "pencil"),
        "notices.revised": Verb(_("Notice text revised"), "pencil"),
        "notices.publish": Verb(_("Notice published"), "send"),
        "notices.withdraw": Verb(_("Notice withdrawn"), "x-circle"),
        "notices.confirmed": Verb(_("Notice confirmed"), "check2-circle"),
        "notices.reminded": Verb(_("Families reminded"), "bell"),
        "notices.acknowledged": Verb(_("Warning acknowledged by a school"), "hand-thumbs-up"),
        "notices.forwarded": Verb(_("Notice forwarded by a school"), "forward"),
        "notices.reported": Verb(_("Measures reported by a school"), "clipboard-check"),
    }
)

register_fields(
    "notices.notice",
    {
        "title": _("Title"),
        "kind": Field(pgettext_lazy("notice", "Kind"), Choice(NoticeKind)),
        "confirm": Field(_("Confirmation"), Choice(ConfirmMode)),
        "status": Field(_("Status"), Choice(NoticeStatus)),
        "version": _("Version"),
        "audience": _("Audience"),
        "deadline": _("Deadline"),
        "school": _("School"),
        "report": _("Measures taken"),
        "late": _("Late"),
        "class": _("Class"),
        "families": _("Families"),
        "forward": _("Forwarded notice"),
        "signed": _("Signed"),
    },
)
register_fields(
    "notices.receipt",
    {"version": _("Version"), "signed": _("Signed"), "child": _("Child")},
)
