"""How a hazard's loop reads on its timeline (see core.audit_render): the hazard's own grade
(隐患等级, not a school grade), statuses, sources and categories by their labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs
from safecampus.risks.models import Category

from .models import Escalation, Grade, PhotoStage, Source, Status

register_verbs(
    {
        "hazard.reported": Verb(_("Hazard reported"), "cone-striped"),
        "hazard.confirm": Verb(_("Confirmed"), "check2-circle"),
        "hazard.reject": Verb(_("Not a hazard"), "x-circle"),
        "hazard.assign": Verb(_("Rectification assigned"), "person-check"),
        "hazard.start": Verb(_("Rectification started"), "tools"),
        "hazard.submit": Verb(_("Submitted for verification"), "send-check"),
        "hazard.verify": Verb(_("Verified and closed"), "shield-check"),
        "hazard.send_back": Verb(_("Sent back"), "arrow-counterclockwise"),
        "hazard.close_on_spot": Verb(_("Fixed on the spot"), "lightning-charge"),
        "hazard.escalated": Verb(_("Escalated as overdue"), "arrow-up-circle"),
        "hazard.photos_added": Verb(_("Photos added"), "camera"),
    }
)

register_fields(
    "hazards.hazard",
    {
        "status": Field(_("Status"), Choice(Status)),
        "grade": Field(_("Hazard grade"), Choice(Grade)),
        "source": Field(_("Source"), Choice(Source)),
        "category": Field(_("Category"), Choice(Category)),
        "location": _("Location"),
        "rectifier": _("Rectifier"),
        "deadline": _("Deadline"),
        "escalation": Field(_("Escalated to"), Choice(Escalation)),
        "overdue_days": _("Overdue days"),
    },
)
register_fields(
    "hazard.photos_added",
    {"stage": Field(pgettext_lazy("photo", "Stage"), Choice(PhotoStage)), "count": _("Photos")},
)
