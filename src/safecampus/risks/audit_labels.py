"""How risk points, their grading, control plans and the four-colour map read on the timelines
(see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import (
    HIDDEN,
    Count,
    Factors,
    Field,
    Person,
    Verb,
    register_fields,
    register_verbs,
)

register_verbs(
    {
        "risk.identified": Verb(_("Risk point identified"), "plus-circle"),
        "risk.updated": Verb(_("Risk point changed"), "pencil"),
        "risk.graded": Verb(_("Graded again"), "speedometer2"),
        "risk.confirmed": Verb(_("Confirmed"), "check2-circle"),
        "risk.retired": Verb(_("Retired"), "archive"),
        "risk.reopened": Verb(_("Back to draft"), "arrow-counterclockwise"),
        "risk.plan_saved": Verb(_("Control plan saved"), "clipboard2-check"),
        "risk.reviewed": Verb(_("Review done"), "calendar-check"),
        "risk.policy_regraded": Verb(_("Graded by a policy change"), "arrow-repeat"),
        "risk.policy_applied": Verb(_("Policy change applied"), "arrow-repeat"),
        "risk.plan_uploaded": Verb(_("Campus plan uploaded"), "map"),
        "risk.map_saved": Verb(_("Four-colour map saved"), "map"),
    }
)

FACTORS = {
    "l": _("Likelihood L"),
    "e": _("Exposure E"),
    "c": _("Consequence C"),
    "likelihood": _("Likelihood"),
    "severity": _("Severity"),
}

register_fields(
    "risks.riskpoint",
    {
        "category": _("Category"),
        "location": _("Location"),
        "level": _("Level"),
        "method": _("Grading method"),
        "factors": Field(_("Factors"), Factors(FACTORS)),
        "score": pgettext_lazy("risk", "Score"),
        "control_level": _("Control level"),
        "responsible_post": _("Responsible post"),
        "responsible_person": Field(_("Responsible person"), Person()),
        "review_date": _("Next review"),
        "policy_version": _("Policy version"),
        "measures": _("Control measures"),
    },
)
register_fields(
    "risks.campusplan", {"width": HIDDEN, "height": HIDDEN, "areas": _("Areas"), "pins": _("Pins")}
)
register_fields(
    "risk.policy_applied",
    {"points": Field(_("Risk points"), Count()), "levels_changed": _("Levels changed")},
)
